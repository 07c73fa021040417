package gokit

import (
	"context"
	"net/http"

	httptransport "github.com/go-kit/kit/transport/http"
	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/metainfo"
)

// headerErrKey marks a context whose request carried metainfo headers
// that broke metainfo's rules; [Middleware] fails its calls.
type headerErrKey struct{}

// ServerBefore returns a go-kit transport/http RequestFunc
// (httptransport.ServerBefore) that reads the request's rpc-persist-* and
// rpc-transit-* headers into metainfo, the propagator's headers
// (traceparent, baggage) as the remote parent, and makes the context
// collect backward values for [ServerAfter]. Headers that break
// metainfo's rules make the endpoint's [Middleware] fail the call with
// invalid_argument (400).
func ServerBefore(opts ...Option) httptransport.RequestFunc {
	cfg := newConfig(opts)
	return func(ctx context.Context, r *http.Request) context.Context {
		if len(r.Header) > 0 {
			mctx, err := cfg.codec.FromHTTPHeader(ctx, r.Header)
			if err != nil {
				return context.WithValue(ctx, headerErrKey{}, err)
			}
			ctx = cfg.prop.Extract(mctx, propagation.HeaderCarrier(r.Header))
		}
		return metainfo.WithBackwardValuesToSend(ctx)
	}
}

// ServerAfter returns a go-kit transport/http ServerResponseFunc
// (httptransport.ServerAfter) that writes the backward values the
// endpoint sent as rpc-backward-* response headers. (go-kit runs it for
// successful calls; an error's backward values go out through the
// *[Error]'s Headers.)
func ServerAfter(opts ...Option) httptransport.ServerResponseFunc {
	cfg := newConfig(opts)
	return func(ctx context.Context, w http.ResponseWriter) context.Context {
		_ = cfg.codec.BackwardToHTTPHeader(ctx, w.Header())
		return ctx
	}
}

// ClientBefore returns a go-kit transport/http RequestFunc
// (httptransport.ClientBefore) that writes the context's metainfo as
// rpc-persist-* and rpc-transit-* headers and its trace context (a
// tracing.Client layer's span, when the client endpoint is wrapped by
// [Middleware]) in the propagator's headers. A RequestFunc cannot return
// an error, so metainfo that breaks the rules cancels the request's
// context with the *metainfo.Error as its cause: net/http fails the call
// with that error before anything is sent.
func ClientBefore(opts ...Option) httptransport.RequestFunc {
	cfg := newConfig(opts)
	return func(ctx context.Context, r *http.Request) context.Context {
		if err := cfg.codec.ToHTTPHeader(ctx, r.Header); err != nil {
			ctx, cancel := context.WithCancelCause(ctx)
			cancel(err)
			return ctx
		}
		cfg.prop.Inject(ctx, propagation.HeaderCarrier(r.Header))
		return ctx
	}
}

// ClientAfter returns a go-kit transport/http ClientResponseFunc
// (httptransport.ClientAfter) that stores the response's rpc-backward-*
// headers in the caller's receiver (metainfo.WithBackwardValues).
func ClientAfter(opts ...Option) httptransport.ClientResponseFunc {
	cfg := newConfig(opts)
	return func(ctx context.Context, resp *http.Response) context.Context {
		_ = cfg.codec.BackwardFromHTTPHeader(ctx, resp.Header)
		return ctx
	}
}
