package connect

import (
	"time"

	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/metainfo"
)

// An Option configures an interceptor of this package.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	codec      *metainfo.Codec
	prop       propagation.TextMapPropagator
	retryAfter func(err error) (time.Duration, bool)
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
// the headers. Default: W3C trace context and baggage
// (propagation.TraceContext and propagation.Baggage), what otelhttp and otelconnect peers
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
// the caller should wait: pass ratelimit.RetryAfter. A handler then adds
// Retry-After (in whole seconds, rounded up) to the metadata of its
// CodeResourceExhausted and CodeUnavailable errors, which the connect
// protocol sends as a header of its 429 and 503 responses. Default: none.
func WithRetryAfter(f func(err error) (time.Duration, bool)) Option {
	return optionFunc(func(c *config) { c.retryAfter = f })
}
