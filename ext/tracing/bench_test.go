package tracing_test

import (
	"context"
	"sync/atomic"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// countingProcessor is an always-on span processor that keeps no spans, so
// that a long benchmark measures the layer and the SDK, not a growing slice.
type countingProcessor struct{ ended atomic.Int64 }

func (p *countingProcessor) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (p *countingProcessor) OnEnd(sdktrace.ReadOnlySpan)                     { p.ended.Add(1) }
func (p *countingProcessor) Shutdown(context.Context) error                  { return nil }
func (p *countingProcessor) ForceFlush(context.Context) error                { return nil }

// sdkOptions wires the SDK with an always-sample tracer, a manual metric
// reader and W3C propagation, and returns the span counter.
func sdkOptions(b *testing.B) ([]tracing.Option, *countingProcessor) {
	p := &countingProcessor{}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithSpanProcessor(p))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	return []tracing.Option{
		tracing.WithTracerProvider(tp),
		tracing.WithMeterProvider(mp),
		tracing.WithPropagators(propagation.TraceContext{}),
	}, p
}

// BenchmarkBaseline is the handler alone, to subtract from the others.
func BenchmarkBaseline(b *testing.B) {
	benchCall(b, context.Background(), nil, 0, nil)
}

func BenchmarkClient(b *testing.B) {
	b.Run("noop", func(b *testing.B) {
		benchCall(b, context.Background(), tracing.Client[request, string](echoInfo, tracing.ClientOptions(noopOptions())...), 0, nil)
	})
	b.Run("sdk", func(b *testing.B) {
		opts, p := sdkOptions(b)
		benchCall(b, context.Background(), tracing.Client[request, string](echoInfo, tracing.ClientOptions(opts)...), 1, p)
	})
}

func BenchmarkServer(b *testing.B) {
	// A call that arrived with a caller's trace context, as decoded by a
	// transport.
	incoming, err := metainfo.NewCodec().FromMap(context.Background(), map[string]string{
		"RPC_TRANSIT_traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("noop", func(b *testing.B) {
		benchCall(b, context.Background(), tracing.Server[request, string](echoInfo, tracing.ServerOptions(noopOptions())...), 0, nil)
	})
	b.Run("sdk", func(b *testing.B) {
		opts, p := sdkOptions(b)
		benchCall(b, incoming, tracing.Server[request, string](echoInfo, tracing.ServerOptions(opts)...), 1, p)
	})
}

// benchCall measures calls through mw over the handler and checks that
// each made perCall spans.
func benchCall(b *testing.B, ctx context.Context, mw motore.Middleware[request, string], perCall int64, p *countingProcessor) {
	svc := motore.Service[request, string](handler)
	if mw != nil {
		var err error
		if svc, err = motore.Build(svc, mw); err != nil {
			b.Fatal(err)
		}
	}
	req := request{method: "Echo"}
	b.ReportAllocs()
	n := int64(0)
	for b.Loop() {
		if _, err := svc.Call(ctx, req); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if p != nil && p.ended.Load() != n*perCall {
		b.Fatalf("%d spans ended for %d calls", p.ended.Load(), n)
	}
}
