package tracing_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// Many calls at once through one client and one server: each server span
// must be the child of its own client span, whatever the pooled carriers
// did in between.
func TestConcurrentCallsKeepTheirOwnContext(t *testing.T) {
	tel := newTelemetry(t)
	opts := tel.options(tracing.WithPropagators(w3c))
	server, err := motore.Build(motore.ServiceFn(func(context.Context, request) (string, error) { return "", nil }),
		tracing.Server[request, string](echoInfo, tracing.ServerOptions(opts)...))
	require.NoError(t, err)
	client, err := motore.Build(wire(t, server), tracing.Client[request, string](echoInfo, tracing.ClientOptions(opts)...))
	require.NoError(t, err)

	const goroutines, calls = 8, 50
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range calls {
				_, err := client.Call(context.Background(), request{method: fmt.Sprintf("M%d_%d", g, i)})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()

	spans := tel.ended()
	require.Len(t, spans, 2*goroutines*calls)
	clients := map[trace.SpanID]string{}
	for _, s := range spans {
		if s.SpanKind() == trace.SpanKindClient {
			clients[s.SpanContext().SpanID()] = s.Name()
		}
	}
	for _, s := range spans {
		if s.SpanKind() != trace.SpanKindServer {
			continue
		}
		assert.Equal(t, s.Name(), clients[s.Parent().SpanID()], "a server span's parent is the client span of the same call")
	}
}

// tracePropagator writes the trace ID under a mixed-case key with a dash,
// as some propagators do; HTTP-style headers lower-case it on the way.
type tracePropagator struct{}

const traceKey = "X-Trace-Id"

func (tracePropagator) Inject(ctx context.Context, c propagation.TextMapCarrier) {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		c.Set(traceKey, sc.TraceID().String()+"-"+sc.SpanID().String())
	}
}

func (tracePropagator) Extract(ctx context.Context, c propagation.TextMapCarrier) context.Context {
	v := c.Get(traceKey)
	if len(v) != 32+1+16 {
		return ctx
	}
	tid, err := trace.TraceIDFromHex(v[:32])
	if err != nil {
		return ctx
	}
	sid, err := trace.SpanIDFromHex(v[33:])
	if err != nil {
		return ctx
	}
	return trace.ContextWithRemoteSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
}

func (tracePropagator) Fields() []string { return []string{traceKey} }

func TestKeysSurviveHTTPHeaders(t *testing.T) {
	tel := newTelemetry(t)
	ctx, span := tel.tp.Tracer("test").Start(context.Background(), "origin")
	defer span.End()

	codec := metainfo.NewCodec()
	header := map[string][]string{}
	require.NoError(t, codec.ToHTTPHeader(tracing.Inject(ctx, tracePropagator{}), header))
	t.Logf("headers: %v", header)
	in, err := codec.FromHTTPHeader(context.Background(), header)
	require.NoError(t, err)

	sc := trace.SpanContextFromContext(tracing.Extract(in, tracePropagator{}))
	assert.Equal(t, span.SpanContext().TraceID(), sc.TraceID())
	assert.Equal(t, span.SpanContext().SpanID(), sc.SpanID())
}
