package tracing_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// The globals are read when the layer is applied, and OpenTelemetry's
// global provider delegates to one set later, as a program that builds its
// clients before it sets up telemetry expects. This is the only test that
// touches the globals.
func TestGlobalsAreTheDefaults(t *testing.T) {
	var sent string
	transport := motore.ServiceFn(func(ctx context.Context, _ request) (string, error) {
		sent, _ = metainfo.GetValue(ctx, "traceparent")
		return "ok", nil
	})
	client, err := motore.Build(transport, tracing.Client[request, string](echoInfo))
	require.NoError(t, err)

	// The globals can be set only once per process for the delegation to
	// happen, so repeated runs (-count) share one set of providers.
	tel := globalTelemetry()
	tel.spans.Reset()
	before := histogramCount(t, tel)

	_, err = client.Call(context.Background(), request{method: "Echo"})
	require.NoError(t, err)

	spans := tel.ended()
	require.Len(t, spans, 1)
	assert.Contains(t, sent, spans[0].SpanContext().SpanID().String(), "the global propagator wrote the span")
	assert.Equal(t, before+1, histogramCount(t, tel))
}

var (
	globalOnce sync.Once
	globalTel  *telemetry
)

// globalTelemetry installs SDK providers and the W3C propagator as the
// OpenTelemetry globals, once, and returns them. They are never shut down:
// neither the span recorder nor the manual reader runs a goroutine.
func globalTelemetry() *telemetry {
	globalOnce.Do(func() {
		globalTel = &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
		globalTel.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(globalTel.spans))
		globalTel.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(globalTel.reader))
		otel.SetTracerProvider(globalTel.tp)
		otel.SetMeterProvider(globalTel.mp)
		otel.SetTextMapPropagator(propagation.TraceContext{})
	})
	return globalTel
}

// histogramCount returns the number of client calls measured so far.
func histogramCount(t *testing.T, tel *telemetry) uint64 {
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	var n uint64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok && m.Name == "rpc.client.call.duration" {
				for _, p := range h.DataPoints {
					n += p.Count
				}
			}
		}
	}
	return n
}
