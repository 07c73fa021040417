package tracing

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// A ClientOption configures a [Client] layer.
type ClientOption interface {
	applyClient(*config)
}

// A ServerOption configures a [Server] layer.
type ServerOption interface {
	applyServer(*config)
}

// An Option configures both a [Client] and a [Server] layer: it is a
// ClientOption and a ServerOption. Options read by one side only return
// that side's type, so passing one to the other side does not compile. To
// spread a []Option into either constructor, convert it with [ClientOptions]
// or [ServerOptions].
type Option interface {
	ClientOption
	ServerOption
}

type optionFunc func(*config)

func (f optionFunc) applyClient(c *config) { f(c) }
func (f optionFunc) applyServer(c *config) { f(c) }

type serverOptionFunc func(*config)

func (f serverOptionFunc) applyServer(c *config) { f(c) }

// ClientOptions returns opts as client options, for a list shared by a
// client and a server.
func ClientOptions(opts []Option) []ClientOption {
	out := make([]ClientOption, len(opts))
	for i, o := range opts {
		out[i] = o
	}
	return out
}

// ServerOptions returns opts as server options, for a list shared by a
// client and a server.
func ServerOptions(opts []Option) []ServerOption {
	out := make([]ServerOption, len(opts))
	for i, o := range opts {
		out[i] = o
	}
	return out
}

// config holds a layer's settings. A nil or zero field means the default
// written next to the option that sets it.
type config struct {
	tp          trace.TracerProvider
	mp          metric.MeterProvider
	prop        propagation.TextMapPropagator
	filter      func(ctx context.Context, info CallInfo) bool
	spanAttrs   []attribute.KeyValue
	metricAttrs []attribute.KeyValue
	attrsFn     func(ctx context.Context, info CallInfo) []attribute.KeyValue
	statusCode  func(err error) string
	kind        trace.SpanKind
	public      bool
	peerMetrics bool
}

func newClientConfig(opts []ClientOption) *config {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o.applyClient(c)
		}
	}
	return c
}

func newServerConfig(opts []ServerOption) *config {
	c := &config{}
	for _, o := range opts {
		if o != nil {
			o.applyServer(c)
		}
	}
	return c
}

// WithTracerProvider sets where spans go. Default: the global provider
// (otel.GetTracerProvider), read when the layer is applied; a global set
// later still receives the spans, as OpenTelemetry's global delegates. A
// nil tp keeps the default.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) { c.tp = tp })
}

// WithMeterProvider sets where the call duration histograms go. Default:
// the global provider (otel.GetMeterProvider). A nil mp keeps the default.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) { c.mp = mp })
}

// WithPropagators sets how the trace context is written into and read from
// metainfo. Default: the global propagator (otel.GetTextMapPropagator),
// which propagates nothing until one is set. Pass
// propagation.TraceContext{} for W3C traceparent and tracestate, and a
// composite with propagation.Baggage{} to carry baggage as well. A nil p
// keeps the default.
func WithPropagators(p propagation.TextMapPropagator) Option {
	return optionFunc(func(c *config) { c.prop = p })
}

// WithFilter sets a function that decides, per call, whether the call is
// traced and measured: it returns false to pass the call straight to the
// next service, with no span, no metric and no propagation (health checks,
// reflection). Default: every call is traced. Filters given in several
// options must all return true.
func WithFilter(f func(ctx context.Context, info CallInfo) bool) Option {
	return optionFunc(func(c *config) {
		switch prev := c.filter; {
		case f == nil:
		case prev == nil:
			c.filter = f
		default:
			c.filter = func(ctx context.Context, info CallInfo) bool {
				return prev(ctx, info) && f(ctx, info)
			}
		}
	})
}

// WithSpanAttributes adds attributes to every span. Default: none.
func WithSpanAttributes(attrs ...attribute.KeyValue) Option {
	return optionFunc(func(c *config) { c.spanAttrs = append(c.spanAttrs, attrs...) })
}

// WithMetricAttributes adds attributes to every duration measurement. Keep
// them few and of low cardinality: each distinct set is a separate series.
// Default: none.
func WithMetricAttributes(attrs ...attribute.KeyValue) Option {
	return optionFunc(func(c *config) { c.metricAttrs = append(c.metricAttrs, attrs...) })
}

// WithAttributesFunc sets a function that returns extra attributes for each
// call's span, computed when the span starts so that samplers see them.
// They are not added to metrics, where per-call values would explode the
// number of series. Default: none; when given twice, the last one counts.
func WithAttributesFunc(f func(ctx context.Context, info CallInfo) []attribute.KeyValue) Option {
	return optionFunc(func(c *config) { c.attrsFn = f })
}

// WithStatusCode sets the function that maps a call's error (nil on
// success) to the RPC system's status code, recorded as
// rpc.response.status_code on spans and metrics ("OK", "UNAVAILABLE",
// "-32602"). When it returns a non-empty code for a failed call, that code
// is also the call's error.type. Default: no status code, and error.type is
// derived from the error's type (see semconv.ErrorType). When given twice,
// the last one counts.
func WithStatusCode(f func(err error) string) Option {
	return optionFunc(func(c *config) { c.statusCode = f })
}

// WithSpanKind overrides the kind of the spans the layer starts, for a
// layer used where client and server do not fit (a message consumer, an
// in-process hop). Default: trace.SpanKindClient for [Client] and
// trace.SpanKindServer for [Server]. trace.SpanKindUnspecified keeps the
// default.
func WithSpanKind(k trace.SpanKind) Option {
	return optionFunc(func(c *config) { c.kind = k })
}

// WithPublicEndpoint makes a [Server] start a new trace for every call
// instead of continuing the caller's: the caller's span, if any, is kept as
// a link. Use it where calls come from outside, so that a caller cannot
// join or steer your traces (sampling decisions included). Default: off.
// Only a [Server] reads it.
func WithPublicEndpoint() ServerOption {
	return serverOptionFunc(func(c *config) { c.public = true })
}

// WithPeerServiceMetrics adds service.peer.name, from [CallInfo].PeerService,
// to the duration metrics, so that calls between services can be drawn as a
// graph. Its cardinality is the number of services that call or are called,
// usually small, but it is opt-in because a caller can name itself anything.
// Default: off (the attribute is on spans only).
func WithPeerServiceMetrics() Option {
	return optionFunc(func(c *config) { c.peerMetrics = true })
}
