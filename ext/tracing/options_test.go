package tracing_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/motore/motoretest"
)

// TestEveryOptionReachesEveryConstructorThatReadsIt passes each option to
// each constructor that takes it, and checks that each one took effect on the
// span. An option a side does not read has that side's type missing, so
// passing it does not compile; the last subtest holds that in place.
func TestEveryOptionReachesEveryConstructorThatReadsIt(t *testing.T) {
	shared := func(tel *telemetry) []tracing.Option {
		return []tracing.Option{
			tracing.WithTracerProvider(tel.tp),
			tracing.WithMeterProvider(tel.mp),
			tracing.WithPropagators(propagation.TraceContext{}),
			tracing.WithFilter(func(context.Context, tracing.CallInfo) bool { return true }),
			tracing.WithSpanAttributes(attribute.String("static", "yes")),
			tracing.WithMetricAttributes(attribute.String("tier", "gold")),
			tracing.WithAttributesFunc(func(context.Context, tracing.CallInfo) []attribute.KeyValue {
				return []attribute.KeyValue{attribute.String("dynamic", "yes")}
			}),
			tracing.WithStatusCode(func(error) string { return "OK" }),
			tracing.WithSpanKind(trace.SpanKindInternal),
			tracing.WithPeerServiceMetrics(),
		}
	}
	check := func(t *testing.T, tel *telemetry) {
		spans := tel.ended()
		require.Len(t, spans, 1)
		assert.Equal(t, trace.SpanKindInternal, spans[0].SpanKind())
		attrs := attrMap(spans[0].Attributes())
		assert.Equal(t, "yes", attrs["static"])
		assert.Equal(t, "yes", attrs["dynamic"])
		assert.Equal(t, "OK", attrs["rpc.response.status_code"])
	}

	t.Run("client", func(t *testing.T) {
		tel := newTelemetry(t)
		svc := buildWith(t, tracing.Client[request, string](echoInfo, tracing.ClientOptions(shared(tel))...),
			motoretest.NewRecorder[request, string](nil))
		_, err := svc.Call(context.Background(), request{method: "Echo"})
		require.NoError(t, err)
		check(t, tel)
	})
	t.Run("server", func(t *testing.T) {
		tel := newTelemetry(t)
		opts := append(tracing.ServerOptions(shared(tel)), tracing.WithPublicEndpoint())
		svc := buildWith(t, tracing.Server[request, string](echoInfo, opts...),
			motoretest.NewRecorder[request, string](nil))
		_, err := svc.Call(context.Background(), request{method: "Echo"})
		require.NoError(t, err)
		check(t, tel)
	})
	t.Run("server-only options are no client options", func(t *testing.T) {
		client := reflect.TypeFor[tracing.ClientOption]()
		assert.False(t, reflect.TypeOf(tracing.WithPublicEndpoint()).Implements(client),
			"WithPublicEndpoint would compile as a ClientOption, which ignores it")
	})
}
