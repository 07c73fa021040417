package tracing_test

import (
	"context"
	"testing"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/motore"
)

// The comparison is fair only if both contenders do the same work per call:
// one span with the same name and kind, and one duration measurement.
func TestContendersRecordTheSame(t *testing.T) {
	type result struct {
		name, kind, metric string
	}
	record := func(run func(tp *sdktrace.TracerProvider, mp *sdkmetric.MeterProvider)) result {
		spans := tracetest.NewSpanRecorder()
		reader := sdkmetric.NewManualReader()
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
		mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
		defer func() {
			_ = tp.Shutdown(context.Background())
			_ = mp.Shutdown(context.Background())
		}()
		run(tp, mp)
		ended := spans.Ended()
		if len(ended) != 1 {
			t.Fatalf("%d spans, want 1", len(ended))
		}
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		var metric string
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				if h, ok := m.Data.(metricdata.Histogram[float64]); ok && m.Name == "rpc.client.call.duration" && len(h.DataPoints) == 1 {
					metric = m.Name
				}
			}
		}
		return result{ended[0].Name(), ended[0].SpanKind().String(), metric}
	}

	volo := record(func(tp *sdktrace.TracerProvider, mp *sdkmetric.MeterProvider) {
		svc, err := motore.Build(echo, tracing.Client[*Req, *Req](info,
			tracing.WithTracerProvider(tp), tracing.WithMeterProvider(mp), tracing.WithPropagators(propagation.TraceContext{})))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Call(context.Background(), &Req{Method: "Echo"}); err != nil {
			t.Fatal(err)
		}
	})
	grpc := record(func(tp *sdktrace.TracerProvider, mp *sdkmetric.MeterProvider) {
		h := otelgrpc.NewClientHandler(otelgrpc.WithTracerProvider(tp), otelgrpc.WithMeterProvider(mp),
			otelgrpc.WithPropagators(propagation.TraceContext{}))
		unaryCall(h, context.Background(), true)
	})
	want := result{"echo.Echo/Echo", "client", "rpc.client.call.duration"}
	if volo != want || grpc != want {
		t.Fatalf("volo recorded %+v, otelgrpc %+v, want both %+v", volo, grpc, want)
	}
}
