package tracing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"

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
	client, err := motore.Build(transport, tracing.Client[string](echoInfo))
	require.NoError(t, err)

	tel := newTelemetry(t)
	otel.SetTracerProvider(tel.tp)
	otel.SetMeterProvider(tel.mp)
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() { otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator()) })

	_, err = client.Call(context.Background(), request{method: "Echo"})
	require.NoError(t, err)

	spans := tel.ended()
	require.Len(t, spans, 1)
	assert.Contains(t, sent, spans[0].SpanContext().SpanID().String(), "the global propagator wrote the span")
	_, points := tel.histogram(t, "rpc.client.call.duration")
	require.Len(t, points, 1)
	assert.Equal(t, uint64(1), points[0].Count)
}
