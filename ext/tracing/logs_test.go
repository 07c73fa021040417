package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/motore"
)

func TestLogHandlerAddsTheSpan(t *testing.T) {
	tel := newTelemetry(t)
	var buf bytes.Buffer
	log := slog.New(tracing.NewLogHandler(slog.NewJSONHandler(&buf, nil))).With("svc", "echo")

	handler := motore.ServiceFn(func(ctx context.Context, _ request) (string, error) {
		log.InfoContext(ctx, "handling")
		return "", nil
	})
	svc, err := motore.Build(handler, tracing.Server[request, string](echoInfo, tracing.ServerOptions(tel.options())...))
	require.NoError(t, err)
	_, err = svc.Call(context.Background(), request{method: "Echo"})
	require.NoError(t, err)
	log.Info("outside a call")

	dec := json.NewDecoder(&buf)
	var inCall, outside map[string]any
	require.NoError(t, dec.Decode(&inCall))
	require.NoError(t, dec.Decode(&outside))

	spans := tel.ended()
	require.Len(t, spans, 1)
	sc := spans[0].SpanContext()
	assert.Equal(t, sc.TraceID().String(), inCall[tracing.TraceIDKey])
	assert.Equal(t, sc.SpanID().String(), inCall[tracing.SpanIDKey])
	assert.Equal(t, "echo", inCall["svc"], "WithAttrs still applies")
	assert.NotContains(t, outside, tracing.TraceIDKey)

	grouped := slog.New(tracing.NewLogHandler(slog.NewJSONHandler(&buf, nil))).WithGroup("g")
	assert.True(t, grouped.Handler().Enabled(context.Background(), slog.LevelInfo))
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	buf.Reset()
	grouped.InfoContext(ctx, "in a group", "k", "v")
	var g map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &g))
	assert.Equal(t, map[string]any{"k": "v", tracing.TraceIDKey: sc.TraceID().String(), tracing.SpanIDKey: sc.SpanID().String()}, g["g"])
}
