package tracing_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/baggage"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

var w3c = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// wire is a test transport: it sends to server only what metainfo would put
// on the wire (the TTHeader string map of the codec), and the server starts
// from a fresh context, as it would in another process.
func wire(t *testing.T, server motore.Service[request, string]) motore.Service[request, string] {
	codec := metainfo.NewCodec()
	return motore.ServiceFn(func(ctx context.Context, req request) (string, error) {
		header := map[string]string{}
		if err := codec.ToMap(ctx, header); err != nil {
			return "", err
		}
		t.Logf("on the wire to %s: %v", req.method, header)
		sctx, err := codec.FromMap(context.Background(), header)
		if err != nil {
			return "", err
		}
		return server.Call(sctx, req)
	})
}

func TestTwoHopsMakeOneTrace(t *testing.T) {
	tel := newTelemetry(t)
	opts := tel.options(tracing.WithPropagators(w3c))
	info := func(name string) func(context.Context, request) tracing.CallInfo {
		return func(_ context.Context, r request) tracing.CallInfo {
			return tracing.CallInfo{System: "volo", Service: name, Method: r.method}
		}
	}

	// What B saw: its transient values and baggage.
	var gotSpan, gotBaggage string
	var upstreamTraceparent string
	handlerB := motore.ServiceFn(func(ctx context.Context, _ request) (string, error) {
		upstreamTraceparent, _ = metainfo.GetValue(ctx, "traceparent")
		gotSpan = trace.SpanContextFromContext(ctx).SpanID().String()
		gotBaggage = baggage.FromContext(ctx).Member("tenant").Value()
		_, leaked := metainfo.GetValue(ctx, "only-one-hop")
		assert.False(t, leaked, "a transient value from the first caller must not reach B")
		return "b", nil
	})
	serverB, err := motore.Build(handlerB, tracing.Server[request, string](info("B"), tracing.ServerOptions(opts)...))
	require.NoError(t, err)
	clientToB, err := motore.Build(wire(t, serverB), tracing.Client[request, string](info("B"), tracing.ClientOptions(opts)...))
	require.NoError(t, err)

	handlerA := motore.ServiceFn(func(ctx context.Context, _ request) (string, error) {
		v, ok := metainfo.GetValue(ctx, "only-one-hop")
		assert.True(t, ok, "A reads its caller's transient value")
		assert.Equal(t, "x", v)
		return clientToB.Call(ctx, request{method: "CallB"})
	})
	serverA, err := motore.Build(handlerA, tracing.Server[request, string](info("A"), tracing.ServerOptions(opts)...))
	require.NoError(t, err)
	clientToA, err := motore.Build(wire(t, serverA), tracing.Client[request, string](info("A"), tracing.ClientOptions(opts)...))
	require.NoError(t, err)

	member, err := baggage.NewMember("tenant", "acme")
	require.NoError(t, err)
	bag, err := baggage.New(member)
	require.NoError(t, err)
	ctx := baggage.ContextWithBaggage(context.Background(), bag)
	ctx = metainfo.WithValue(ctx, "only-one-hop", "x")

	resp, err := clientToA.Call(ctx, request{method: "CallA"})
	require.NoError(t, err)
	assert.Equal(t, "b", resp)

	spans := tel.ended()
	require.Len(t, spans, 4)
	byName := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byName[s.Name()+"/"+s.SpanKind().String()] = s
	}
	clientA := byName["A/CallA/client"]
	serverASpan := byName["A/CallA/server"]
	clientB := byName["B/CallB/client"]
	serverBSpan := byName["B/CallB/server"]
	require.NotNil(t, clientA)
	require.NotNil(t, serverASpan)
	require.NotNil(t, clientB)
	require.NotNil(t, serverBSpan)

	root := clientA.SpanContext().TraceID()
	for _, s := range spans {
		assert.Equal(t, root, s.SpanContext().TraceID(), "%s is in the first client's trace", s.Name())
	}
	assert.False(t, clientA.Parent().IsValid(), "the first client span is the root")
	assert.Equal(t, clientA.SpanContext().SpanID(), serverASpan.Parent().SpanID())
	assert.True(t, serverASpan.Parent().IsRemote())
	assert.Equal(t, serverASpan.SpanContext().SpanID(), clientB.Parent().SpanID())
	assert.Equal(t, clientB.SpanContext().SpanID(), serverBSpan.Parent().SpanID())
	assert.True(t, serverBSpan.Parent().IsRemote())

	// Walk up from B's server span: it must reach the first client span.
	parents := map[trace.SpanID]trace.SpanID{}
	for _, s := range spans {
		parents[s.SpanContext().SpanID()] = s.Parent().SpanID()
	}
	id, hops := serverBSpan.SpanContext().SpanID(), 0
	for id != clientA.SpanContext().SpanID() && id.IsValid() && hops < 10 {
		id, hops = parents[id], hops+1
	}
	assert.Equal(t, clientA.SpanContext().SpanID(), id, "B's server span descends from the first client span")
	assert.Equal(t, 3, hops)

	assert.Equal(t, serverBSpan.SpanContext().SpanID().String(), gotSpan, "B's handler runs in B's server span")
	assert.Contains(t, upstreamTraceparent, clientB.SpanContext().SpanID().String(),
		"the traceparent B received is A's, not the first caller's")
	assert.Equal(t, "acme", gotBaggage, "baggage travels both hops")
}

func TestPublicEndpointStartsNewTrace(t *testing.T) {
	tel := newTelemetry(t)
	opts := tel.options(tracing.WithPropagators(w3c))
	server, err := motore.Build(motore.ServiceFn(func(context.Context, request) (string, error) { return "", nil }),
		tracing.Server[request, string](echoInfo, append(tracing.ServerOptions(opts), tracing.WithPublicEndpoint())...))
	require.NoError(t, err)
	client, err := motore.Build(wire(t, server), tracing.Client[request, string](echoInfo, tracing.ClientOptions(opts)...))
	require.NoError(t, err)

	_, err = client.Call(context.Background(), request{method: "Echo"})
	require.NoError(t, err)

	spans := tel.ended()
	require.Len(t, spans, 2)
	srv, cli := spans[0], spans[1]
	require.Equal(t, trace.SpanKindServer, srv.SpanKind())
	assert.False(t, srv.Parent().IsValid(), "a public endpoint's span is a root")
	assert.NotEqual(t, cli.SpanContext().TraceID(), srv.SpanContext().TraceID())
	require.Len(t, srv.Links(), 1)
	assert.Equal(t, cli.SpanContext().SpanID(), srv.Links()[0].SpanContext.SpanID(), "the caller is linked")
}

func TestInjectExtractRoundTrip(t *testing.T) {
	tel := newTelemetry(t)
	ctx, span := tel.tp.Tracer("test").Start(context.Background(), "origin")
	defer span.End()

	out := tracing.Inject(ctx, propagation.TraceContext{})
	tp, ok := metainfo.GetValue(out, "traceparent")
	require.True(t, ok)
	assert.Contains(t, tp, span.SpanContext().TraceID().String())

	// Across HTTP-style headers the key may come back in another case and
	// with '_' for '-'; Extract still finds it.
	for _, key := range []string{"traceparent", "TraceParent", "TRACEPARENT"} {
		in := metainfo.WithValue(context.Background(), key, tp)
		sc := trace.SpanContextFromContext(tracing.Extract(in, propagation.TraceContext{}))
		assert.True(t, sc.IsRemote(), key)
		assert.Equal(t, span.SpanContext().SpanID(), sc.SpanID(), key)
	}

	// Nothing to propagate: nothing written.
	none := tracing.Inject(context.Background(), propagation.TraceContext{})
	assert.Equal(t, 0, metainfo.CountValues(none))
	// Nothing arrived: no parent.
	assert.False(t, trace.SpanContextFromContext(tracing.Extract(context.Background(), nil)).IsValid())
}
