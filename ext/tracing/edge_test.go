package tracing_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/codes"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/motore"
)

func TestGoexitIsNotASuccess(t *testing.T) {
	tel := newTelemetry(t)
	svc := buildWith(t, tracing.Server[request, string](echoInfo, tracing.ServerOptions(tel.options())...),
		motore.ServiceFn(func(context.Context, request) (string, error) {
			runtime.Goexit()
			return "", nil
		}))
	done := make(chan struct{})
	returned := false
	go func() {
		defer close(done)
		_, _ = svc.Call(context.Background(), request{method: "Echo"})
		returned = true
	}()
	<-done
	assert.False(t, returned, "the goroutine still exits")

	spans := tel.ended()
	require.Len(t, spans, 1, "the span ends")
	assert.Equal(t, codes.Error, spans[0].Status().Code)
	assert.Equal(t, "goexit", attrMap(spans[0].Attributes())["error.type"])
	_, points := tel.histogram(t, "rpc.server.call.duration")
	require.Len(t, points, 1)
	assert.Equal(t, "goexit", setMap(points[0].Attributes)["error.type"], "the measurement is not a success either")
}
