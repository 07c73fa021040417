package http

import (
	"context"
	"net/http"

	"github.com/govolo/volo/metainfo"
)

// writer is the ResponseWriter a handler gets: it records the status and
// writes the backward metainfo into the headers just before they go out.
type writer struct {
	http.ResponseWriter
	codec *metainfo.Codec
	// sendCtx collects the backward values of this one request; it lives
	// as long as the request, as http.Request's own context does.
	sendCtx     context.Context
	status      int
	wroteHeader bool
	err         error // a backward value that could not be encoded
}

// WriteHeader writes the backward values, then the status line.
func (w *writer) WriteHeader(code int) {
	if w.wroteHeader {
		w.ResponseWriter.WriteHeader(code) // net/http logs the superfluous call
		return
	}
	if code >= 200 || code == http.StatusSwitchingProtocols {
		w.wroteHeader, w.status = true, code
		if err := w.codec.BackwardToHTTPHeader(w.sendCtx, w.Header()); err != nil {
			w.err = err
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write writes the header with status 200 first, as net/http does.
func (w *writer) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Flush sends what the handler wrote, when the underlying writer can.
func (w *writer) Flush() {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap returns the underlying writer, for http.ResponseController.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
