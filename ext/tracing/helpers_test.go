package tracing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/govolo/volo/ext/tracing"
)

// request is the request type of the test stacks: the method it calls.
type request struct {
	method string
}

// echoInfo describes calls to a made-up echo service.
func echoInfo(_ context.Context, r request) tracing.CallInfo {
	return tracing.CallInfo{
		System:        "volo",
		Service:       "echo.Echo",
		Method:        r.method,
		ServerAddress: "echo.internal",
		ServerPort:    8888,
		PeerAddress:   "10.0.0.7",
		PeerPort:      40123,
	}
}

// telemetry is an SDK tracer and meter provider whose output a test reads.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	mp     *sdkmetric.MeterProvider
}

func newTelemetry(t testing.TB) *telemetry {
	t.Helper()
	tel := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tel.tp = sdktrace.NewTracerProvider(
		sdktrace.WithSampler(sdktrace.AlwaysSample()),
		sdktrace.WithSpanProcessor(tel.spans),
	)
	tel.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(tel.reader))
	t.Cleanup(func() {
		ctx := context.Background()
		_ = tel.tp.Shutdown(ctx)
		_ = tel.mp.Shutdown(ctx)
	})
	return tel
}

// options returns the layer options that send telemetry to tel.
func (tel *telemetry) options(more ...tracing.Option) []tracing.Option {
	return append([]tracing.Option{
		tracing.WithTracerProvider(tel.tp),
		tracing.WithMeterProvider(tel.mp),
	}, more...)
}

// ended returns the spans ended so far.
func (tel *telemetry) ended() []sdktrace.ReadOnlySpan { return tel.spans.Ended() }

// histogram collects the metrics and returns the data points of the
// histogram called name, failing the test if there is none.
func (tel *telemetry) histogram(t testing.TB, name string) (metricdata.Metrics, []metricdata.HistogramDataPoint[float64]) {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			h, ok := m.Data.(metricdata.Histogram[float64])
			require.True(t, ok, "%s is a %T, not a float64 histogram", name, m.Data)
			return m, h.DataPoints
		}
	}
	require.Failf(t, "no metric", "no metric named %s", name)
	return metricdata.Metrics{}, nil
}

// attrMap flattens attributes for comparison.
func attrMap(kvs []attribute.KeyValue) map[string]any {
	m := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}

// setMap flattens an attribute set for comparison.
func setMap(s attribute.Set) map[string]any { return attrMap(s.ToSlice()) }
