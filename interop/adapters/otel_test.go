package adapters_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adgrpc "github.com/govolo/volo/adapters/grpc"
	adhttp "github.com/govolo/volo/adapters/http"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/interop/adapters"
)

// An otelhttp client calls our HTTP adapter's server, whose handler calls
// an otelgrpc-instrumented grpc-go server through our gRPC adapter's
// client: one trace, each span the child of the one before, with
// nothing but the W3C headers between the processes' stacks.
func TestTraceInteropWithOpenTelemetryInstrumentation(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	w3c := propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

	// The otelgrpc server at the end.
	grpcAddr := serveGRPC(t, grpcHandler(func(ctx context.Context, msg string) (string, error) {
		return strings.ToUpper(msg), nil
	}), grpc.StatsHandler(otelgrpc.NewServerHandler(otelgrpc.WithTracerProvider(tp), otelgrpc.WithPropagators(w3c))))

	// Our gRPC client, with ext/tracing's client layer; the adapter's
	// default propagator is W3C.
	dopts, err := adgrpc.DialOptions(tracing.Client[*adgrpc.Call, any](grpcInfo, tracing.WithTracerProvider(tp)))
	require.NoError(t, err)
	cc := dialGRPC(t, grpcAddr, dopts...)

	// Our HTTP server, with ext/tracing's server layer.
	mw, err := adhttp.NewMiddleware(tracing.Server[*adhttp.Call, int](httpInfo, tracing.WithTracerProvider(tp)), adhttp.WithNaming(adhttp.PathNaming))
	require.NoError(t, err)
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		out := new(wrapperspb.StringValue)
		if err := cc.Invoke(r.Context(), "/echo.Echo/Echo", wrapperspb.String("hi"), out); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		io.WriteString(w, out.Value)
	})))
	t.Cleanup(srv.Close)

	// The otelhttp client at the start.
	base := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(base.CloseIdleConnections)
	client := &http.Client{Transport: otelhttp.NewTransport(base, otelhttp.WithTracerProvider(tp), otelhttp.WithPropagators(w3c))}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/front.Front/Call", nil)
	require.NoError(t, err)
	resp, err := client.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "HI", string(body))

	// otelgrpc ends its server span once the reply is on its way, which
	// may be after the client has it.
	require.Eventually(t, func() bool { return len(rec.Ended()) == 4 }, callTimeoutForTests, time.Millisecond,
		"%v", spanNames(rec.Ended()))
	spans := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		spans[s.InstrumentationScope().Name+" "+s.SpanKind().String()] = s
	}
	require.Len(t, spans, 4, "%v", spanNames(rec.Ended()))
	otelhttpClient := spans["go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp client"]
	ourServer := spans[tracing.ScopeName+" server"]
	ourClient := spans[tracing.ScopeName+" client"]
	otelgrpcServer := spans["go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc server"]
	for _, s := range []sdktrace.ReadOnlySpan{otelhttpClient, ourServer, ourClient, otelgrpcServer} {
		require.NotNil(t, s, "%v", spanNames(rec.Ended()))
	}

	assert.False(t, otelhttpClient.Parent().IsValid(), "the otelhttp client's span is the root")
	assertChild(t, otelhttpClient, ourServer, true)
	assertChild(t, ourServer, ourClient, false)
	assertChild(t, ourClient, otelgrpcServer, true)
	assert.Equal(t, "front.Front/Call", ourServer.Name())
	assert.Equal(t, "echo.Echo/Echo", ourClient.Name())
	assert.Equal(t, "echo.Echo/Echo", otelgrpcServer.Name())
}

// callTimeoutForTests bounds the waits of the tests in this file.
const callTimeoutForTests = 5 * time.Second

// assertChild checks that child's parent is parent, across a process
// boundary (remote) or within one.
func assertChild(t *testing.T, parent, child sdktrace.ReadOnlySpan, remote bool) {
	t.Helper()
	assert.Equal(t, parent.SpanContext().TraceID(), child.SpanContext().TraceID(), "%s and %s share a trace", parent.Name(), child.Name())
	assert.Equal(t, parent.SpanContext().SpanID(), child.Parent().SpanID(), "%s is the parent of %s", parent.Name(), child.Name())
	assert.Equal(t, remote, child.Parent().IsRemote(), "%s's parent is remote", child.Name())
}

func spanNames(spans []sdktrace.ReadOnlySpan) []string {
	var names []string
	for _, s := range spans {
		names = append(names, s.InstrumentationScope().Name+" "+s.SpanKind().String()+" "+s.Name())
	}
	return names
}

// With ext/tracing's own metainfo propagation turned on as well (the
// global propagator set, as many programs do), the trace context travels
// twice, in traceparent and in rpc-transit-traceparent, and the table
// still finds one parent per span.
func TestAdaptersWithTracingMetainfoPropagationToo(t *testing.T) {
	for _, f := range []adapters.Framework{grpcFramework, connectFramework, httpFramework, gokitFramework} {
		f.Tracing = []tracing.Option{tracing.WithPropagators(propagation.TraceContext{})}
		t.Run(f.Name, func(t *testing.T) { adapters.Run(t, f) })
	}
}
