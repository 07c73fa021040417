package adapters_test

import (
	"context"
	"net/http"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// layers is the stack every contender runs: tracing (no-op providers, so
// that the SDK's own allocations do not hide the glue's), a concurrency
// limit and a breaker.
func layers[Req, Resp any](info func(context.Context, Req) tracing.CallInfo) motore.Middleware[Req, Resp] {
	return motore.Chain(
		tracing.Server[Req, Resp](info,
			tracing.WithTracerProvider(tracenoop.NewTracerProvider()),
			tracing.WithMeterProvider(metricnoop.NewMeterProvider())),
		motore.Middleware[Req, Resp](ratelimit.NewConcurrency[Req, Resp](1<<20)),
		motore.Middleware[Req, Resp](circuitbreaker.New[Req, Resp](nil)),
	)
}

// w3c is the propagator of the hand-written contenders, the adapters'
// default.
var w3c = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

var codec metainfo.Codec

// requestHeader is what every request carries: a persistent metainfo
// value and a W3C trace context, in the names HTTP/2 and gRPC send.
func requestHeader() http.Header {
	return http.Header{
		"rpc-persist-tenant": {"acme"},
		"traceparent":        {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	}
}

// staticInfo is the call-info function of the hand-written contenders,
// which know their method statically.
func staticInfo[Req any](context.Context, Req) tracing.CallInfo {
	return tracing.CallInfo{System: "bench", Service: "echo.Echo", Method: "Echo"}
}

// allocs returns the allocations per call of f, after a warm-up.
func allocs(f func()) float64 {
	for range 100 {
		f()
	}
	return testing.AllocsPerRun(2000, f)
}

// bench runs f b.N times, reporting allocations.
func bench(b *testing.B, f func()) {
	b.ReportAllocs()
	for b.Loop() {
		f()
	}
}
