package tracing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/motore"
)

// noopOptions are the no-op providers with W3C propagation, the set-up of a
// service that has tracing wired in but turned off.
func noopOptions() []tracing.Option {
	return []tracing.Option{
		tracing.WithTracerProvider(tracenoop.NewTracerProvider()),
		tracing.WithMeterProvider(metricnoop.NewMeterProvider()),
		tracing.WithPropagators(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})),
	}
}

var handler = motore.ServiceFn(func(context.Context, request) (string, error) { return "ok", nil })

func TestNoopProvidersAllocateNothing(t *testing.T) {
	for _, tc := range []struct {
		name string
		mw   motore.Middleware[request, string]
	}{
		{"client", tracing.Client[request, string](echoInfo, tracing.ClientOptions(noopOptions())...)},
		{"server", tracing.Server[request, string](echoInfo, tracing.ServerOptions(noopOptions())...)},
		{"client and server", motore.Chain(
			tracing.Client[request, string](echoInfo, tracing.ClientOptions(noopOptions())...),
			tracing.Server[request, string](echoInfo, tracing.ServerOptions(noopOptions())...),
		)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, err := motore.Build(handler, tc.mw)
			require.NoError(t, err)
			ctx, req := context.Background(), request{method: "Echo"}
			allocs := testing.AllocsPerRun(1000, func() {
				if _, err := svc.Call(ctx, req); err != nil {
					t.Fatal(err)
				}
			})
			assert.Zero(t, allocs)
		})
	}
}
