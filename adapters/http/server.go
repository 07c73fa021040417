package http

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// NewMiddleware returns net/http middleware that runs each request
// through a stack of mw over the wrapped handler. The stack is built once
// per wrapped handler; its response is the status the handler wrote.
//
// Before the stack, the request's rpc-persist-* and rpc-transit-* headers
// become metainfo (headers that break metainfo's rules get 400), and the
// propagator's headers (traceparent, baggage) become the remote parent.
// Backward values sent by the handler go out as rpc-backward-* response
// headers. An error from the stack, when the handler has not written yet,
// becomes a status: 429 (with Retry-After, see [WithRetryAfter]) for a
// limiter's rejection, 503 for an open breaker, 504 for a deadline, and
// the connect protocol's mapping for other RPC codes; its text is the
// body, except for errors without a code, which give a plain 500.
//
// mw's mistakes (a nil layer, a nil key function) are returned here;
// wrapping a nil handler panics with a *motore.BuildError.
func NewMiddleware(mw motore.Middleware[*Call, int], opts ...Option) (func(http.Handler) http.Handler, error) {
	cfg := newConfig(opts)
	if _, err := motore.Build[*Call, int](&serverTerminal{next: http.NotFoundHandler(), cfg: cfg}, mw); err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		if next == nil {
			panic(&motore.BuildError{Layer: "http", Index: -1, Err: motore.ErrNilService})
		}
		stack, err := motore.Build[*Call, int](&serverTerminal{next: next, cfg: cfg}, mw)
		if err != nil {
			panic(err)
		}
		return &handler{stack: stack, cfg: cfg}
	}, nil
}

// NewHandler returns an http.Handler that serves each request with svc,
// a motore service that writes its response to [Call].Writer and returns
// the status it wrote, or an error, which becomes a status as
// [NewMiddleware] describes: a handler written the motore way, whose
// errors reach the layers of mw (a breaker counts them) and the caller
// (a volo.Error with CodeNotFound is a 404). Metainfo and the trace
// context are read and written as with NewMiddleware.
//
// A nil svc and mw's mistakes are returned here.
func NewHandler(svc motore.Service[*Call, int], mw motore.Middleware[*Call, int], opts ...Option) (http.Handler, error) {
	cfg := newConfig(opts)
	stack, err := motore.Build(svc, mw)
	if err != nil {
		return nil, err
	}
	return &handler{stack: stack, cfg: cfg}, nil
}

type handler struct {
	stack motore.Service[*Call, int]
	cfg   *config
}

// ServeHTTP reads the metainfo and trace context, runs the stack and
// writes its error, if any.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if len(r.Header) > 0 {
		var err error
		if ctx, err = h.cfg.codec.FromHTTPHeader(ctx, r.Header); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	ctx = h.cfg.prop.Extract(ctx, propagation.HeaderCarrier(r.Header))
	ctx = metainfo.WithBackwardValuesToSend(ctx)
	c := &Call{Request: r, naming: h.cfg.naming}
	c.w = writer{ResponseWriter: w, codec: h.cfg.codec, sendCtx: ctx}
	c.Writer = &c.w
	_, err := h.stack.Call(ctx, c)
	switch {
	case c.w.wroteHeader:
	case err != nil:
		writeError(&c.w, err, h.cfg.retryAfter)
	default:
		// net/http would send 200 itself, but without the backward values.
		c.w.WriteHeader(http.StatusOK)
	}
}

// Describe names the adapter in stack descriptions.
func (h *handler) Describe() string { return "http(server)" }

// Unwrap returns the stack, so motore.Describe can list its layers.
func (h *handler) Unwrap() any { return h.stack }

// writeError answers a call the stack failed.
func writeError(w http.ResponseWriter, err error, retryAfter func(error) (time.Duration, bool)) {
	status := statusOf(err)
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && retryAfter != nil {
		if d, ok := retryAfter(err); ok && d > 0 {
			w.Header().Set("Retry-After", retryAfterSeconds(d))
		}
	}
	msg := err.Error()
	if codeOf(err) == "unknown" {
		// An error without a code is the handler's own: keep its text
		// inside the server.
		msg = http.StatusText(status)
	}
	http.Error(w, msg, status)
}

// retryAfterSeconds writes d in whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	s := (d + time.Second - 1) / time.Second
	return strconv.FormatInt(int64(max(s, 1)), 10)
}

// serverTerminal is the innermost service of a server stack: the wrapped
// handler.
type serverTerminal struct {
	next http.Handler
	cfg  *config
}

func (t *serverTerminal) Call(ctx context.Context, c *Call) (int, error) {
	r := c.Request
	if ctx != r.Context() {
		r = r.WithContext(ctx)
	}
	t.next.ServeHTTP(&c.w, r)
	if !c.w.wroteHeader {
		// Nothing written yet: an outer layer may still fail the call
		// (a timeout) and get its status out; else ServeHTTP sends 200.
		return http.StatusOK, nil
	}
	if c.w.err != nil {
		return c.w.status, c.w.err
	}
	if t.cfg.isFailure(c.w.status) {
		return c.w.status, &StatusError{Code: c.w.status}
	}
	return c.w.status, nil
}

func (t *serverTerminal) Describe() string { return "handler" }
