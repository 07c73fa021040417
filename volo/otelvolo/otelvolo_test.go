package otelvolo_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/otelvolo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// hop is a volo Echo server and a client of it, each with one line of
// otelvolo, recording into the same span recorder and metric reader.
type hop struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	client *echo.EchoClient
}

func newHop(t *testing.T, handler func(ctx context.Context, msg string) (string, error)) *hop {
	t.Helper()
	h := &hop{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(h.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(h.reader))
	t.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(handler),
		server.WithMiddleware(otelvolo.Server(tracing.WithTracerProvider(tp), tracing.WithMeterProvider(mp))))
	c, err := client.New("Echo", client.WithAddress(ln.Addr().String()),
		client.WithMiddleware(otelvolo.Client(tracing.WithTracerProvider(tp), tracing.WithMeterProvider(mp))))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	h.client = &echo.EchoClient{Client: c}
	return h
}

func attr(s sdktrace.ReadOnlySpan, key string) (attribute.Value, bool) {
	for _, kv := range s.Attributes() {
		if string(kv.Key) == key {
			return kv.Value, true
		}
	}
	return attribute.Value{}, false
}

func TestClientAndServerSpansAreLinkedAcrossTheHop(t *testing.T) {
	var handlerSpan trace.SpanContext
	h := newHop(t, func(ctx context.Context, msg string) (string, error) {
		handlerSpan = trace.SpanContextFromContext(ctx)
		return msg, nil
	})
	_, err := h.client.Echo(context.Background(), "hi")
	require.NoError(t, err)

	ended := h.spans.Ended()
	require.Len(t, ended, 2)
	var cs, ss sdktrace.ReadOnlySpan
	for _, s := range ended {
		switch s.SpanKind() {
		case trace.SpanKindClient:
			cs = s
		case trace.SpanKindServer:
			ss = s
		}
	}
	require.NotNil(t, cs)
	require.NotNil(t, ss)
	assert.Equal(t, cs.SpanContext().TraceID(), ss.SpanContext().TraceID(), "one trace")
	assert.Equal(t, cs.SpanContext().SpanID(), ss.Parent().SpanID(), "the server's span is the client's child")
	assert.True(t, ss.Parent().IsRemote())
	assert.Equal(t, ss.SpanContext(), handlerSpan, "the handler runs in the server's span")
	assert.Equal(t, "Echo/echo", cs.Name())
	assert.Equal(t, "Echo/echo", ss.Name())
	for _, s := range []sdktrace.ReadOnlySpan{cs, ss} {
		v, ok := attr(s, "rpc.system.name")
		assert.True(t, ok)
		assert.Equal(t, "thrift", v.AsString())
	}
	peer, ok := attr(ss, "network.peer.address")
	assert.True(t, ok, "the server knows the caller's address")
	assert.Equal(t, "127.0.0.1", peer.AsString())

	var rm metricdata.ResourceMetrics
	require.NoError(t, h.reader.Collect(context.Background(), &rm))
	got := map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if hist, ok := m.Data.(metricdata.Histogram[float64]); ok {
				for _, dp := range hist.DataPoints {
					got[m.Name] += dp.Count
				}
			}
		}
	}
	assert.Equal(t, map[string]uint64{"rpc.client.call.duration": 1, "rpc.server.call.duration": 1}, got)
}

func TestStatusCodeIsVolos(t *testing.T) {
	h := newHop(t, func(context.Context, string) (string, error) {
		return "", &volo.BizError{Status: 400, Message: "no"}
	})
	_, err := h.client.Echo(context.Background(), "hi")
	require.Error(t, err)
	for _, s := range h.spans.Ended() {
		v, ok := attr(s, "rpc.response.status_code")
		require.True(t, ok, "%s span", s.SpanKind())
		assert.Equal(t, volo.CodeOf(err).String(), v.AsString())
	}
	assert.Equal(t, "ok", otelvolo.StatusCode(nil))
	assert.Equal(t, volo.CodeOf(errors.New("x")).String(), otelvolo.StatusCode(errors.New("x")))
}
