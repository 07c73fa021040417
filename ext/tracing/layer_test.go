package tracing_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

var errUnavailable = errors.New("backend unavailable")

// buildWith applies mw over a scripted service and fails the test on a
// build error.
func buildWith(t *testing.T, mw motore.Middleware[request, string], inner motore.Service[request, string]) motore.Service[request, string] {
	t.Helper()
	svc, err := motore.Build(inner, mw)
	require.NoError(t, err)
	return svc
}

func TestLayersRecordSpansAndDurations(t *testing.T) {
	for _, tc := range []struct {
		name     string
		layer    func(opts ...tracing.Option) motore.Middleware[request, string]
		kind     trace.SpanKind
		histName string
	}{
		{"client", func(opts ...tracing.Option) motore.Middleware[request, string] {
			return tracing.Client[request, string](echoInfo, tracing.ClientOptions(opts)...)
		}, trace.SpanKindClient, "rpc.client.call.duration"},
		{"server", func(opts ...tracing.Option) motore.Middleware[request, string] {
			return tracing.Server[request, string](echoInfo, tracing.ServerOptions(opts)...)
		}, trace.SpanKindServer, "rpc.server.call.duration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tel := newTelemetry(t)
			inner := motoretest.NewScripted[request](
				motoretest.Return("pong"),
				motoretest.Fail[string](errUnavailable),
			)
			svc := buildWith(t, tc.layer(tel.options()...), inner)
			ctx := context.Background()

			resp, err := svc.Call(ctx, request{method: "Echo"})
			require.NoError(t, err)
			assert.Equal(t, "pong", resp)
			_, err = svc.Call(ctx, request{method: "Echo"})
			require.ErrorIs(t, err, errUnavailable)

			spans := tel.ended()
			require.Len(t, spans, 2)
			base := map[string]any{
				"rpc.system.name":      "volo",
				"rpc.method":           "echo.Echo/Echo",
				"server.address":       "echo.internal",
				"server.port":          int64(8888),
				"network.peer.address": "10.0.0.7",
				"network.peer.port":    int64(40123),
			}
			ok, failed := spans[0], spans[1]
			for _, s := range spans {
				assert.Equal(t, "echo.Echo/Echo", s.Name())
				assert.Equal(t, tc.kind, s.SpanKind())
				assert.Equal(t, tracing.ScopeName, s.InstrumentationScope().Name)
			}
			assert.Equal(t, base, attrMap(ok.Attributes()))
			assert.Equal(t, codes.Unset, ok.Status().Code)

			wantFailed := clone(base)
			wantFailed["error.type"] = "*errors.errorString"
			assert.Equal(t, wantFailed, attrMap(failed.Attributes()))
			assert.Equal(t, codes.Error, failed.Status().Code)
			assert.Equal(t, "backend unavailable", failed.Status().Description)
			assert.Empty(t, failed.Events(), "an ordinary error is not an exception event")

			m, points := tel.histogram(t, tc.histName)
			assert.Equal(t, "s", m.Unit)
			require.Len(t, points, 2, "success and failure are separate series")
			byErr := map[string]map[string]any{}
			for _, p := range points {
				assert.Equal(t, uint64(1), p.Count)
				assert.GreaterOrEqual(t, p.Sum, 0.0)
				attrs := setMap(p.Attributes)
				et, _ := attrs["error.type"].(string)
				byErr[et] = attrs
			}
			wantOK := clone(base)
			delete(wantOK, "network.peer.address")
			delete(wantOK, "network.peer.port")
			assert.Equal(t, wantOK, byErr[""], "no peer address on metrics")
			wantErr := clone(wantOK)
			wantErr["error.type"] = "*errors.errorString"
			assert.Equal(t, wantErr, byErr["*errors.errorString"])
		})
	}
}

func clone(m map[string]any) map[string]any {
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func TestStatusCodeOption(t *testing.T) {
	tel := newTelemetry(t)
	code := func(err error) string {
		switch {
		case err == nil:
			return "OK"
		case errors.Is(err, errUnavailable):
			return "UNAVAILABLE"
		}
		return "UNKNOWN"
	}
	inner := motoretest.NewScripted[request](motoretest.Return("a"), motoretest.Fail[string](errUnavailable))
	svc := buildWith(t, tracing.Client[request, string](echoInfo, tracing.ClientOptions(tel.options(tracing.WithStatusCode(code)))...), inner)
	_, _ = svc.Call(context.Background(), request{method: "Echo"})
	_, _ = svc.Call(context.Background(), request{method: "Echo"})

	spans := tel.ended()
	require.Len(t, spans, 2)
	okAttrs, failAttrs := attrMap(spans[0].Attributes()), attrMap(spans[1].Attributes())
	assert.Equal(t, "OK", okAttrs["rpc.response.status_code"])
	assert.NotContains(t, okAttrs, "error.type")
	assert.Equal(t, "UNAVAILABLE", failAttrs["rpc.response.status_code"])
	assert.Equal(t, "UNAVAILABLE", failAttrs["error.type"], "the status code is the error type")

	_, points := tel.histogram(t, "rpc.client.call.duration")
	codesSeen := map[any]bool{}
	for _, p := range points {
		codesSeen[setMap(p.Attributes)["rpc.response.status_code"]] = true
	}
	assert.Equal(t, map[any]bool{"OK": true, "UNAVAILABLE": true}, codesSeen)
}

func TestPanicIsRecordedWithStack(t *testing.T) {
	tel := newTelemetry(t)
	panicky := motore.ServiceFn(func(context.Context, request) (string, error) {
		panic("boom")
	})

	t.Run("raw panic goes on", func(t *testing.T) {
		svc := buildWith(t, tracing.Server[request, string](echoInfo, tracing.ServerOptions(tel.options())...), panicky)
		assert.PanicsWithValue(t, "boom", func() { _, _ = svc.Call(context.Background(), request{method: "Echo"}) })
	})
	t.Run("panic caught below", func(t *testing.T) {
		stack := motore.Chain(tracing.Server[request, string](echoInfo, tracing.ServerOptions(tel.options())...), motore.CatchPanic[request, string]())
		svc := buildWith(t, stack, panicky)
		_, err := svc.Call(context.Background(), request{method: "Echo"})
		require.ErrorIs(t, err, motore.ErrPanic)
	})

	spans := tel.ended()
	require.Len(t, spans, 2)
	for _, s := range spans {
		assert.Equal(t, codes.Error, s.Status().Code)
		assert.Equal(t, "panic", attrMap(s.Attributes())["error.type"])
		require.Len(t, s.Events(), 1)
		ev := attrMap(s.Events()[0].Attributes)
		assert.Equal(t, "exception", s.Events()[0].Name)
		assert.Contains(t, ev["exception.message"], "boom")
		assert.Contains(t, ev["exception.stacktrace"], "TestPanicIsRecordedWithStack", "the stack reaches the panicking handler")
	}
	_, points := tel.histogram(t, "rpc.server.call.duration")
	require.Len(t, points, 1)
	assert.Equal(t, uint64(2), points[0].Count)
}

func TestFilterSkipsCalls(t *testing.T) {
	tel := newTelemetry(t)
	notHealth := func(_ context.Context, info tracing.CallInfo) bool { return info.Method != "Health" }
	inner := motoretest.NewRecorder[request, string](nil)
	svc := buildWith(t, tracing.Client[request, string](echoInfo, tracing.ClientOptions(tel.options(tracing.WithFilter(notHealth), tracing.WithFilter(nil)))...), inner)

	_, err := svc.Call(context.Background(), request{method: "Health"})
	require.NoError(t, err)
	_, err = svc.Call(context.Background(), request{method: "Echo"})
	require.NoError(t, err)

	assert.Equal(t, 2, inner.Count(), "skipped calls still reach the service")
	spans := tel.ended()
	require.Len(t, spans, 1)
	assert.Equal(t, "echo.Echo/Echo", spans[0].Name())
	_, points := tel.histogram(t, "rpc.client.call.duration")
	require.Len(t, points, 1)
	assert.Equal(t, uint64(1), points[0].Count)
}

func TestFiltersCombine(t *testing.T) {
	tel := newTelemetry(t)
	not := func(m string) func(context.Context, tracing.CallInfo) bool {
		return func(_ context.Context, info tracing.CallInfo) bool { return info.Method != m }
	}
	svc := buildWith(t, tracing.Client[request, string](echoInfo, tracing.ClientOptions(tel.options(tracing.WithFilter(not("A")), tracing.WithFilter(not("B"))))...),
		motoretest.NewRecorder[request, string](nil))
	for _, m := range []string{"A", "B", "C"} {
		_, err := svc.Call(context.Background(), request{method: m})
		require.NoError(t, err)
	}
	spans := tel.ended()
	require.Len(t, spans, 1)
	assert.Equal(t, "echo.Echo/C", spans[0].Name())
}

func TestExtraAttributesAndKind(t *testing.T) {
	tel := newTelemetry(t)
	opts := tel.options(
		tracing.WithSpanAttributes(attribute.String("deployment", "blue")),
		tracing.WithMetricAttributes(attribute.String("cell", "c1")),
		tracing.WithAttributesFunc(func(_ context.Context, info tracing.CallInfo) []attribute.KeyValue {
			return []attribute.KeyValue{attribute.String("request.method.short", info.Method)}
		}),
		tracing.WithSpanKind(trace.SpanKindConsumer),
	)
	svc := buildWith(t, tracing.Server[request, string](echoInfo, tracing.ServerOptions(opts)...), motoretest.NewRecorder[request, string](nil))
	_, err := svc.Call(context.Background(), request{method: "Echo"})
	require.NoError(t, err)

	spans := tel.ended()
	require.Len(t, spans, 1)
	attrs := attrMap(spans[0].Attributes())
	assert.Equal(t, trace.SpanKindConsumer, spans[0].SpanKind())
	assert.Equal(t, "blue", attrs["deployment"])
	assert.Equal(t, "Echo", attrs["request.method.short"])
	assert.NotContains(t, attrs, "cell")

	_, points := tel.histogram(t, "rpc.server.call.duration")
	require.Len(t, points, 1)
	m := setMap(points[0].Attributes)
	assert.Equal(t, "c1", m["cell"])
	assert.NotContains(t, m, "deployment")
	assert.NotContains(t, m, "request.method.short", "per-call attributes stay off metrics")
}

func TestSpanNameFallsBack(t *testing.T) {
	tel := newTelemetry(t)
	for _, tc := range []struct {
		info tracing.CallInfo
		want string
	}{
		{tracing.CallInfo{Method: "Ping"}, "Ping"},
		{tracing.CallInfo{System: "thrift"}, "thrift"},
		{tracing.CallInfo{}, "rpc"},
	} {
		info := tc.info
		svc := buildWith(t, tracing.Client[request, string](func(context.Context, request) tracing.CallInfo { return info }, tracing.ClientOptions(tel.options())...),
			motoretest.NewRecorder[request, string](nil))
		_, err := svc.Call(context.Background(), request{})
		require.NoError(t, err)
		spans := tel.ended()
		assert.Equal(t, tc.want, spans[len(spans)-1].Name())
	}
}

func TestBuildErrorsAndDescribe(t *testing.T) {
	_, err := motore.Build[request, string](nil, tracing.Client[request, string](echoInfo))
	require.ErrorIs(t, err, motore.ErrNilService)

	_, err = motore.Build(motoretest.NewRecorder[request, string](nil), tracing.Server[request, string](nil))
	require.ErrorIs(t, err, motore.ErrNilFunc)
	var be *motore.BuildError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "tracing(server)", be.Layer)

	svc, err := motore.Build(motoretest.NewRecorder[request, string](nil),
		tracing.Client[request, string](echoInfo),
		motore.Timeout[request, string](time.Second),
		tracing.Server[request, string](echoInfo),
	)
	require.NoError(t, err)
	assert.Equal(t, "tracing(client) -> timeout(1s) -> tracing(server) -> recorder", motore.Describe(svc))
}

func TestPeerService(t *testing.T) {
	withPeer := func(_ context.Context, r request) tracing.CallInfo {
		info := echoInfo(context.Background(), r)
		info.PeerService = "frontend"
		return info
	}
	for _, tc := range []struct {
		name      string
		opts      []tracing.Option
		inMetrics bool
	}{
		{"spans only by default", nil, false},
		{"on metrics when asked", []tracing.Option{tracing.WithPeerServiceMetrics()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tel := newTelemetry(t)
			svc := buildWith(t, tracing.Server[request, string](withPeer, tracing.ServerOptions(tel.options(tc.opts...))...), motoretest.NewRecorder[request, string](nil))
			_, err := svc.Call(context.Background(), request{method: "Echo"})
			require.NoError(t, err)

			spans := tel.ended()
			require.Len(t, spans, 1)
			assert.Equal(t, "frontend", attrMap(spans[0].Attributes())["service.peer.name"])
			_, points := tel.histogram(t, "rpc.server.call.duration")
			require.Len(t, points, 1)
			v, ok := setMap(points[0].Attributes)["service.peer.name"]
			assert.Equal(t, tc.inMetrics, ok)
			if tc.inMetrics {
				assert.Equal(t, "frontend", v)
			}
		})
	}
}

// Series past the layer's cache of attribute sets are still recorded, each
// under its own attributes.
func TestManySeriesStayCorrect(t *testing.T) {
	tel := newTelemetry(t)
	svc := buildWith(t, tracing.Client[request, string](echoInfo, tracing.ClientOptions(tel.options())...), motoretest.NewRecorder[request, string](nil))
	const methods = 1500 // more than the layer remembers
	for range 2 {
		for i := range methods {
			_, err := svc.Call(context.Background(), request{method: fmt.Sprintf("M%d", i)})
			require.NoError(t, err)
		}
	}
	_, points := tel.histogram(t, "rpc.client.call.duration")
	require.Len(t, points, methods)
	seen := map[any]bool{}
	for _, p := range points {
		assert.Equal(t, uint64(2), p.Count)
		seen[setMap(p.Attributes)["rpc.method"]] = true
	}
	assert.Len(t, seen, methods)
	assert.True(t, seen["echo.Echo/M1499"])
}
