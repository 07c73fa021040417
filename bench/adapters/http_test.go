package adapters_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	adhttp "github.com/govolo/volo/adapters/http"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// nativeHTTPReq is what a hand-written middleware's stack carries: the
// writer and the request, by value.
type nativeHTTPReq struct {
	w http.ResponseWriter
	r *http.Request
}

// backwardWriter writes the backward metainfo before the header goes
// out, as a hand-written middleware must.
type backwardWriter struct {
	http.ResponseWriter
	ctx   context.Context
	wrote bool
}

func (w *backwardWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		_ = codec.BackwardToHTTPHeader(w.ctx, w.Header())
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *backwardWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// nativeHTTPServer is the stack of layers as hand-written net/http
// middleware.
func nativeHTTPServer(next http.Handler) http.Handler {
	stack, err := motore.Build(motore.ServiceFunc[nativeHTTPReq, int](func(ctx context.Context, q nativeHTTPReq) (int, error) {
		next.ServeHTTP(q.w, q.r.WithContext(ctx))
		return http.StatusOK, nil
	}), layers[nativeHTTPReq, int](staticInfo[nativeHTTPReq]))
	if err != nil {
		panic(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, err := codec.FromHTTPHeader(r.Context(), r.Header)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ctx = w3c.Extract(ctx, propagation.HeaderCarrier(r.Header))
		ctx = metainfo.WithBackwardValuesToSend(ctx)
		bw := &backwardWriter{ResponseWriter: w, ctx: ctx}
		if _, err := stack.Call(ctx, nativeHTTPReq{bw, r}); err != nil && !bw.wrote {
			http.Error(bw, err.Error(), http.StatusServiceUnavailable)
		}
	})
}

// discardWriter is a ResponseWriter that keeps nothing, so that the
// benchmarks measure the middleware and not a recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

var okHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })

func httpServerContenders(t testing.TB) map[string]func() {
	r := httptest.NewRequest(http.MethodPost, "/echo.Echo/Echo", nil)
	for k, v := range requestHeader() {
		r.Header[k] = v
	}
	w := &discardWriter{h: http.Header{}}
	mw, err := adhttp.NewMiddleware(layers[*adhttp.Call, int](staticInfo[*adhttp.Call]))
	require.NoError(t, err)
	adapter, native := mw(okHandler), nativeHTTPServer(okHandler)
	return map[string]func(){
		"none":    func() { okHandler.ServeHTTP(w, r) },
		"native":  func() { native.ServeHTTP(w, r) },
		"adapter": func() { adapter.ServeHTTP(w, r) },
	}
}

// staticTransport answers every request with one response.
type staticTransport struct{ resp *http.Response }

func (s staticTransport) RoundTrip(*http.Request) (*http.Response, error) { return s.resp, nil }

// nativeRoundTripper is the client side written by hand.
type nativeRoundTripper struct {
	stack motore.Service[*http.Request, *http.Response]
}

func newNativeRoundTripper(base http.RoundTripper) *nativeRoundTripper {
	stack, err := motore.Build(motore.ServiceFunc[*http.Request, *http.Response](func(ctx context.Context, r *http.Request) (*http.Response, error) {
		out := r.WithContext(ctx)
		out.Header = r.Header.Clone()
		if out.Header == nil {
			out.Header = http.Header{}
		}
		if err := codec.ToHTTPHeader(ctx, out.Header); err != nil {
			return nil, err
		}
		w3c.Inject(ctx, propagation.HeaderCarrier(out.Header))
		resp, err := base.RoundTrip(out)
		if err != nil {
			return nil, err
		}
		return resp, codec.BackwardFromHTTPHeader(ctx, resp.Header)
	}), layers[*http.Request, *http.Response](staticInfo[*http.Request]))
	if err != nil {
		panic(err)
	}
	return &nativeRoundTripper{stack: stack}
}

func (n *nativeRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	return n.stack.Call(r.Context(), r)
}

func httpClientContenders(t testing.TB) map[string]func() {
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	ctx = metainfo.WithPersistentValue(ctx, "TENANT", "acme")
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://echo.internal/echo.Echo/Echo", nil)
	require.NoError(t, err)
	base := staticTransport{&http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: http.NoBody}}
	adapter, err := adhttp.NewRoundTripper(layers[*http.Request, *http.Response](staticInfo[*http.Request]), base)
	require.NoError(t, err)
	native := newNativeRoundTripper(base)
	return map[string]func(){
		"none":    func() { _, _ = base.RoundTrip(r) },
		"native":  func() { _, _ = native.RoundTrip(r) },
		"adapter": func() { _, _ = adapter.RoundTrip(r) },
	}
}

func BenchmarkHTTPServer(b *testing.B) {
	cs := httpServerContenders(b)
	for _, name := range []string{"none", "native", "adapter"} {
		b.Run(name, func(b *testing.B) { bench(b, cs[name]) })
	}
}

func BenchmarkHTTPClient(b *testing.B) {
	cs := httpClientContenders(b)
	for _, name := range []string{"none", "native", "adapter"} {
		b.Run(name, func(b *testing.B) { bench(b, cs[name]) })
	}
}

func TestHTTPAdapterAddsAtMostOneAllocation(t *testing.T) {
	for side, cs := range map[string]map[string]func(){"server": httpServerContenders(t), "client": httpClientContenders(t)} {
		native, adapter := allocs(cs["native"]), allocs(cs["adapter"])
		t.Logf("%s: native %v, adapter %v allocs/call", side, native, adapter)
		assert.LessOrEqual(t, adapter, native+1, side)
	}
}
