package http

import (
	"net/http"
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/metainfo"
)

// An Option configures [NewMiddleware] or [NewRoundTripper].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	codec      *metainfo.Codec
	prop       propagation.TextMapPropagator
	retryAfter func(err error) (time.Duration, bool)
	naming     func(r *http.Request) (service, method string)
	isFailure  func(status int) bool
}

func newConfig(opts []Option) *config {
	c := &config{
		codec:     &metainfo.Codec{},
		prop:      propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
		naming:    MethodNaming,
		isFailure: isFailureStatus,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	return c
}

// WithCodec sets the metainfo codec that reads and writes the rpc-*
// headers, with its limits. Default: the zero Codec (metainfo's default
// limits). A nil codec keeps the default.
func WithCodec(codec *metainfo.Codec) Option {
	return optionFunc(func(c *config) {
		if codec != nil {
			c.codec = codec
		}
	})
}

// WithPropagators sets how the trace context is read from and written to
// the request headers. Default: W3C trace context and baggage
// (propagation.TraceContext and propagation.Baggage), what otelhttp peers
// send. Pass otel.GetTextMapPropagator() to follow the global setting, or
// propagation.NewCompositeTextMapPropagator() to propagate nothing. A nil
// p keeps the default.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return optionFunc(func(c *config) {
		if p != nil {
			c.prop = p
		}
	})
}

// WithRetryAfter sets the function that reads, from a rejection, how long
// the caller should wait: pass ratelimit.RetryAfter. A server then sends
// Retry-After (in whole seconds, rounded up) with its 429 and 503
// responses when the function knows. Default: none, and no Retry-After.
func WithRetryAfter(f func(err error) (time.Duration, bool)) Option {
	return optionFunc(func(c *config) { c.retryAfter = f })
}

// WithNaming sets how a server names a call in [CallInfo] and [MethodKey].
// Default: [MethodNaming]. [PathNaming] suits RPC-style paths. A nil f
// keeps the default.
func WithNaming(f func(r *http.Request) (service, method string)) Option {
	return optionFunc(func(c *config) {
		if f != nil {
			c.naming = f
		}
	})
}

// WithFailureStatus sets which response statuses the layers see as a
// failed call: the stack then returns a *[StatusError] with the response,
// so breakers and adaptive limiters count it. The response still reaches
// the caller (or, on a server, was already written). Default: 429 and
// every 5xx. A nil f keeps the default.
func WithFailureStatus(f func(status int) bool) Option {
	return optionFunc(func(c *config) {
		if f != nil {
			c.isFailure = f
		}
	})
}

func isFailureStatus(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}
