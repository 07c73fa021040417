package gokit

import (
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/metainfo"
)

// An Option configures [Middleware] or the transport functions.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	codec           *metainfo.Codec
	prop            propagation.TextMapPropagator
	retryAfter      func(err error) (time.Duration, bool)
	service, method string
}

func newConfig(opts []Option) *config {
	c := &config{
		codec: &metainfo.Codec{},
		prop:  propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}),
	}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	return c
}

// WithName names the endpoints a [Middleware] wraps, for [Call] and
// [MethodKey]: the service ("echo.Echo", may be empty) and the method
// ("Echo"). Read by Middleware. Default: no names.
func WithName(service, method string) Option {
	return optionFunc(func(c *config) { c.service, c.method = service, method })
}

// WithCodec sets the metainfo codec that reads and writes the rpc-*
// headers, with its limits. Read by the transport functions and by
// Middleware (for backward values sent with an error). Default: the zero
// Codec. A nil codec keeps the default.
func WithCodec(codec *metainfo.Codec) Option {
	return optionFunc(func(c *config) {
		if codec != nil {
			c.codec = codec
		}
	})
}

// WithPropagators sets how the transport functions read and write the
// trace context in the headers. Default: W3C trace context and baggage
// (propagation.TraceContext and propagation.Baggage), what otelhttp peers
// send. Pass otel.GetTextMapPropagator() to follow the global setting. A
// nil p keeps the default.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return optionFunc(func(c *config) {
		if p != nil {
			c.prop = p
		}
	})
}

// WithRetryAfter sets the function that reads, from a rejection, how long
// the caller should wait: pass ratelimit.RetryAfter. Read by Middleware:
// its *[Error] then carries Retry-After (in whole seconds, rounded up)
// for 429 and 503. Default: none.
func WithRetryAfter(f func(err error) (time.Duration, bool)) Option {
	return optionFunc(func(c *config) { c.retryAfter = f })
}
