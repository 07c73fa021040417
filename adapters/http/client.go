package http

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/motore"
)

// NewRoundTripper returns an http.RoundTripper that sends each request
// through a stack of mw over base (http.DefaultTransport when nil). Put it
// in an http.Client's Transport.
//
// The request that base sends is a copy carrying the context's metainfo
// as rpc-persist-* and rpc-transit-* headers and the trace context of the
// stack's context in the propagator's headers (traceparent, baggage); the
// caller's request is not changed. rpc-backward-* response headers reach
// the caller's metainfo receiver (metainfo.WithBackwardValues). A response
// with a failure status (429 and 5xx by default, see [WithFailureStatus])
// is a *[StatusError] to the layers, so breakers count it, and still the
// response to the caller. An error of the layers (an open breaker, a
// limit) is the RoundTrip error, which http.Client wraps in a *url.Error;
// errors.Is still finds the sentinel.
//
// mw's mistakes are returned here.
func NewRoundTripper(mw motore.Middleware[*http.Request, *http.Response], base http.RoundTripper, opts ...Option) (http.RoundTripper, error) {
	if base == nil {
		base = http.DefaultTransport
	}
	cfg := newConfig(opts)
	stack, err := motore.Build[*http.Request, *http.Response](&clientTerminal{base: base, cfg: cfg}, mw)
	if err != nil {
		return nil, err
	}
	return &roundTripper{stack: stack}, nil
}

type roundTripper struct {
	stack motore.Service[*http.Request, *http.Response]
}

// RoundTrip runs the stack.
func (t *roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.stack.Call(r.Context(), r)
	if err == nil {
		return resp, nil
	}
	if se, ok := err.(*StatusError); ok && se.Response != nil && se.Response == resp {
		return resp, nil
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if r.Body != nil {
		// A layer may have refused before base saw the request; a
		// RoundTripper must close the body on every path.
		r.Body.Close()
	}
	return nil, err
}

// Describe names the adapter in stack descriptions.
func (t *roundTripper) Describe() string { return "http(client)" }

// Unwrap returns the stack, so motore.Describe can list its layers.
func (t *roundTripper) Unwrap() any { return t.stack }

// clientTerminal is the innermost service of a client stack: base.
type clientTerminal struct {
	base http.RoundTripper
	cfg  *config
}

func (t *clientTerminal) Call(ctx context.Context, r *http.Request) (*http.Response, error) {
	out := r.WithContext(ctx)
	out.Header = r.Header.Clone()
	if out.Header == nil {
		out.Header = make(http.Header)
	}
	if err := t.cfg.codec.ToHTTPHeader(ctx, out.Header); err != nil {
		return nil, err
	}
	t.cfg.prop.Inject(ctx, propagation.HeaderCarrier(out.Header))
	resp, err := t.base.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	if err := t.cfg.codec.BackwardFromHTTPHeader(ctx, resp.Header); err != nil {
		resp.Body.Close()
		return nil, err
	}
	if t.cfg.isFailure(resp.StatusCode) {
		return resp, &StatusError{Code: resp.StatusCode, Response: resp}
	}
	return resp, nil
}

func (t *clientTerminal) Describe() string { return "transport" }
