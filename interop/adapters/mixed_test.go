package adapters_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/govolo/volo/interop/adapters"
	"github.com/govolo/volo/metainfo"
)

// A grpc-go service in the middle of a volo call chain: a volo client
// calls a volo server, whose handler calls a grpc-go service through the
// gRPC adapter, whose handler calls another volo server. The persistent
// value set at the start reaches the end, backward values come back hop
// by hop, and all six spans are one trace.
func TestGRPCServiceInTheMiddleOfAVoloChain(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	s := adapters.Stack{Tracer: sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))}
	volo, grpc := voloFramework, grpcFramework
	voloStack := s
	voloStack.Tracing = volo.Tracing

	back := volo.Serve(t, voloStack, func(ctx context.Context, msg string) (string, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "TENANT")
		metainfo.SendBackwardValue(ctx, "HOP", "volo-back")
		return msg + " -> volo-back(tenant=" + tenant + ")", nil
	})
	toBack := volo.Dial(t, voloStack, back)
	middle := grpc.Serve(t, s, func(ctx context.Context, msg string) (string, error) {
		bctx := metainfo.WithBackwardValues(ctx)
		got, err := toBack(bctx, msg+" -> grpc-middle")
		hop, _ := metainfo.RecvBackwardValue(bctx, "HOP")
		metainfo.SendBackwardValue(ctx, "HOP", "grpc-middle<"+hop)
		return got, err
	})
	toMiddle := grpc.Dial(t, s, middle)
	front := volo.Serve(t, voloStack, func(ctx context.Context, msg string) (string, error) {
		bctx := metainfo.WithBackwardValues(ctx)
		got, err := toMiddle(bctx, msg+" -> volo-front")
		hop, _ := metainfo.RecvBackwardValue(bctx, "HOP")
		metainfo.SendBackwardValue(ctx, "HOP", "volo-front<"+hop)
		return got, err
	})
	c := volo.Dial(t, voloStack, front)

	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	ctx = metainfo.WithBackwardValues(ctx)
	got, err := c(ctx, "client")
	require.NoError(t, err)
	assert.Equal(t, "client -> volo-front -> grpc-middle -> volo-back(tenant=acme)", got)
	hop, _ := metainfo.RecvBackwardValue(ctx, "HOP")
	assert.Equal(t, "volo-front<grpc-middle<volo-back", hop)

	spans := rec.Ended()
	require.Len(t, spans, 6, "%v", spanNames(spans))
	for _, sp := range spans {
		assert.Equal(t, spans[0].SpanContext().TraceID(), sp.SpanContext().TraceID(), "one trace: %v", spanNames(spans))
	}
}
