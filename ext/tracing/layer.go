package tracing

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/semconv/v1.43.0/rpcconv"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/govolo/volo/motore"
)

// ScopeName is the instrumentation scope of the tracer and meter the layers
// use.
const ScopeName = "github.com/govolo/volo/ext/tracing"

// Client returns a middleware for the client side of an RPC: each call gets
// a span of kind client named after the method, a measurement in the
// rpc.client.call.duration histogram, and its trace context written into
// transient metainfo (see [Inject]) so the transport carries it to the
// server. info describes each call: Client[*Req, *Resp](info).
//
// A nil info makes applying the layer panic with a *motore.BuildError
// wrapping motore.ErrNilFunc, which motore.Build reports as an error.
func Client[Req, Resp any](info func(ctx context.Context, req Req) CallInfo, opts ...ClientOption) motore.Middleware[Req, Resp] {
	return &layer[Req, Resp]{info: info, side: clientSide, cfg: newClientConfig(opts)}
}

// Server returns a middleware for the server side of an RPC: it reads the
// caller's trace context from the metainfo that arrived (see [Extract]),
// starts a span of kind server as its child, and measures the call in the
// rpc.server.call.duration histogram. info describes each call:
// Server[*Req, *Resp](info).
//
// A nil info makes applying the layer panic with a *motore.BuildError
// wrapping motore.ErrNilFunc, which motore.Build reports as an error.
func Server[Req, Resp any](info func(ctx context.Context, req Req) CallInfo, opts ...ServerOption) motore.Middleware[Req, Resp] {
	return &layer[Req, Resp]{info: info, side: serverSide, cfg: newServerConfig(opts)}
}

type side uint8

const (
	clientSide side = iota
	serverSide
)

func (s side) String() string {
	if s == serverSide {
		return "server"
	}
	return "client"
}

// layer holds what is resolved once per constructor call; Layer builds the
// per-stack service from it.
type layer[Req, Resp any] struct {
	info func(ctx context.Context, req Req) CallInfo
	side side
	cfg  *config
}

func (l *layer[Req, Resp]) name() string { return "tracing(" + l.side.String() + ")" }

// Describe names the layer in build errors.
func (l *layer[Req, Resp]) Describe() string { return l.name() }

// Layer wraps next. The tracer, the histogram and the propagator are looked
// up here, once, so that a call does no lookups.
func (l *layer[Req, Resp]) Layer(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	var err error
	if l.info == nil {
		err = motore.ErrNilFunc
	}
	motore.CheckBuild(l.name(), next, err)
	c := l.cfg
	s := &service[Req, Resp]{
		next: next,
		info: l.info,
		side: l.side,
		cfg:  c,
		prop: c.prop,
	}
	kind := c.kind
	if kind == trace.SpanKindUnspecified {
		kind = trace.SpanKindClient
		if l.side == serverSide {
			kind = trace.SpanKindServer
		}
	}
	s.kind = trace.WithSpanKind(kind)
	if s.prop == nil {
		s.prop = otel.GetTextMapPropagator()
	}
	tp := c.tp
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	// A no-op provider gives no-op spans, which cost a context allocation
	// each; skipping the span keeps such a stack free of allocations, and
	// propagation still passes the caller's context on unchanged.
	if _, noop := tp.(tracenoop.TracerProvider); !noop {
		s.tracer = tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL))
	}
	s.hist = newHistogram(c.mp, l.side)
	s.series = newSeries(c)
	return s
}

func newHistogram(mp metric.MeterProvider, s side) metric.Float64Histogram {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	var (
		h   metric.Float64Histogram
		err error
	)
	if s == serverSide {
		var d rpcconv.ServerCallDuration
		d, err = rpcconv.NewServerCallDuration(m)
		h = d.Float64Histogram
	} else {
		var d rpcconv.ClientCallDuration
		d, err = rpcconv.NewClientCallDuration(m)
		h = d.Float64Histogram
	}
	if err != nil {
		// The SDK reports a bad instrument through the global handler and
		// still returns a usable one; only a broken provider gets here.
		otel.Handle(fmt.Errorf("tracing: %s duration histogram: %w", s, err))
	}
	if h == nil {
		h = metricnoop.Float64Histogram{}
	}
	return h
}
