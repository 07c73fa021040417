package grpc_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adgrpc "github.com/govolo/volo/adapters/grpc"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// codeError is an error that names its RPC code, as the ext modules' do.
type codeError struct{ code string }

func (e codeError) Error() string   { return "rejected: " + e.code }
func (e codeError) RPCCode() string { return e.code }

var identity = motore.Identity[*adgrpc.Call, any]()

func failWith(err error) motore.Middleware[*adgrpc.Call, any] {
	return motore.MiddlewareFn("fail", func(context.Context, *adgrpc.Call, motore.Service[*adgrpc.Call, any]) (any, error) {
		return nil, err
	})
}

func serverOpts(t testing.TB, mw motore.Middleware[*adgrpc.Call, any], opts ...adgrpc.Option) []grpc.ServerOption {
	t.Helper()
	so, err := adgrpc.ServerOptions(mw, opts...)
	require.NoError(t, err)
	return so
}

func dialOpts(t testing.TB, mw motore.Middleware[*adgrpc.Call, any], opts ...adgrpc.Option) []grpc.DialOption {
	t.Helper()
	do, err := adgrpc.DialOptions(mw, opts...)
	require.NoError(t, err)
	return do
}

func TestServerMapsErrorsToStatuses(t *testing.T) {
	retryAfter := func(error) (time.Duration, bool) { return 1500 * time.Millisecond, true }
	for _, tc := range []struct {
		name     string
		err      error
		code     codes.Code
		pushback string
	}{
		{"limited", codeError{"resource_exhausted"}, codes.ResourceExhausted, "1500"},
		{"breaker open", codeError{"unavailable"}, codes.Unavailable, "1500"},
		{"deadline", context.DeadlineExceeded, codes.DeadlineExceeded, ""},
		{"timeout", motore.ErrTimeout, codes.DeadlineExceeded, ""},
		{"status", status.Error(codes.NotFound, "no such item"), codes.NotFound, ""},
		{"plain", errors.New("boom"), codes.Unknown, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := start(t, upper{}, serverOpts(t, failWith(tc.err), adgrpc.WithRetryAfter(retryAfter)))
			var trailer metadata.MD
			_, err := echo(context.Background(), cc, "hi", grpc.Trailer(&trailer))
			assert.Equal(t, tc.code, status.Code(err))
			assert.Equal(t, status.Convert(tc.err).Message(), status.Convert(err).Message())
			if tc.pushback == "" {
				assert.Empty(t, trailer.Get("grpc-retry-pushback-ms"))
			} else {
				assert.Equal(t, []string{tc.pushback}, trailer.Get("grpc-retry-pushback-ms"))
			}
		})
	}
}

func TestClientErrorsCarryStatusAndCode(t *testing.T) {
	cc := start(t, upper{}, serverOpts(t, failWith(codeError{"resource_exhausted"})), dialOpts(t, identity)...)
	_, err := echo(context.Background(), cc, "hi")
	var e *adgrpc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "resource_exhausted", e.RPCCode())
	assert.Equal(t, codes.ResourceExhausted, status.Code(err))
}

func TestClientLayerRejectionIsAStatus(t *testing.T) {
	errOpen := codeError{"unavailable"}
	called := false
	cc := start(t, upper{echo: func(context.Context, *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		called = true
		return nil, nil
	}}, nil, dialOpts(t, failWith(errOpen))...)
	_, err := echo(context.Background(), cc, "hi")
	assert.Equal(t, codes.Unavailable, status.Code(err))
	assert.ErrorIs(t, err, errOpen)
	assert.False(t, called)
}

func TestClientDeadlineMatchesContextError(t *testing.T) {
	cc := start(t, upper{echo: func(ctx context.Context, _ *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}}, nil, dialOpts(t, identity)...)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := echo(ctx, cc, "hi")
	assert.Equal(t, codes.DeadlineExceeded, status.Code(err))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestMetainfoPassesThroughAndBackwardValuesReturn(t *testing.T) {
	var persist, transit string
	impl := upper{echo: func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		persist, _ = metainfo.GetPersistentValue(ctx, "TENANT_ID")
		transit, _ = metainfo.GetValue(ctx, "TAG")
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
		return in, nil
	}}
	cc := start(t, impl, serverOpts(t, identity), dialOpts(t, identity)...)
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	ctx = metainfo.WithValue(ctx, "TAG", "blue")
	ctx = metainfo.WithBackwardValues(ctx)
	_, err := echo(ctx, cc, "hi")
	require.NoError(t, err)
	assert.Equal(t, "acme", persist)
	assert.Equal(t, "blue", transit)
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	assert.Equal(t, "a", by)
}

func TestServerRejectsBadMetainfo(t *testing.T) {
	cc := start(t, upper{}, serverOpts(t, identity))
	ctx := metadata.AppendToOutgoingContext(context.Background(), "rpc-persist-a", "1", "rpc-persist-a", "2")
	_, err := echo(ctx, cc, "hi")
	assert.Equal(t, codes.InvalidArgument, status.Code(err))
}

func TestTraceContextGoesOutAndComesIn(t *testing.T) {
	var got trace.SpanContext
	impl := upper{echo: func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		got = trace.SpanContextFromContext(ctx)
		return in, nil
	}}
	cc := start(t, impl, serverOpts(t, identity), dialOpts(t, identity)...)
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled,
	}))
	_, err := echo(ctx, cc, "hi")
	require.NoError(t, err)
	assert.True(t, got.IsRemote())
	assert.Equal(t, tid, got.TraceID())
	assert.Equal(t, sid, got.SpanID())
}

func TestCallInfoAndKeys(t *testing.T) {
	var server, client adgrpc.CallInfo
	var method, peer, target string
	srvMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		server, method, peer = c.Info(), adgrpc.MethodKey(ctx, c), adgrpc.PeerKey(ctx, c)
		assert.False(t, c.IsClient())
		return next.Call(ctx, c)
	})
	cliMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		client, target = c.Info(), adgrpc.TargetKey(ctx, c)
		assert.True(t, c.IsClient())
		return next.Call(ctx, c)
	})
	cc := start(t, upper{}, serverOpts(t, srvMW), dialOpts(t, cliMW)...)
	_, err := echo(context.Background(), cc, "hi")
	require.NoError(t, err)
	assert.Equal(t, adgrpc.CallInfo{System: "grpc", Service: "echo.Echo", Method: "Echo", ServerAddress: "bufconn", PeerAddress: "bufconn"}, server)
	assert.Equal(t, "echo.Echo/Echo", method)
	assert.Equal(t, "bufconn", peer)
	assert.Equal(t, adgrpc.CallInfo{System: "grpc", Service: "echo.Echo", Method: "Echo", ServerAddress: "echo.internal", ServerPort: 8443}, client)
	assert.Equal(t, "echo.Echo/Echo", client.FullMethod())
	assert.Equal(t, "passthrough:///echo.internal:8443", target)
}

func TestStreamsRunThroughTheStacks(t *testing.T) {
	var serverSaw, clientSaw *adgrpc.Call
	var tenant string
	srvMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		serverSaw = c
		resp, err := next.Call(ctx, c)
		tenant, _ = metainfo.GetPersistentValue(c.ServerStream.Context(), "TENANT_ID")
		return resp, err
	})
	cliMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		clientSaw = c
		return next.Call(ctx, c)
	})
	cc := start(t, upper{}, serverOpts(t, srvMW), dialOpts(t, cliMW)...)
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	cs, err := cc.NewStream(ctx, chatDesc, "/echo.Echo/Chat")
	require.NoError(t, err)
	for _, msg := range []string{"a", "b"} {
		require.NoError(t, cs.SendMsg(wrapperspb.String(msg)))
		out := new(wrapperspb.StringValue)
		require.NoError(t, cs.RecvMsg(out))
		assert.Equal(t, strings.ToUpper(msg), out.Value)
	}
	require.NoError(t, cs.CloseSend())
	assert.ErrorIs(t, cs.RecvMsg(new(wrapperspb.StringValue)), io.EOF)
	require.True(t, clientSaw.IsStream())
	assert.True(t, clientSaw.IsClient())
	assert.Equal(t, "/echo.Echo/Chat", clientSaw.FullMethod)
	require.NotNil(t, serverSaw)
	assert.True(t, serverSaw.IsStream())
	assert.Equal(t, "acme", tenant)
}

func TestStreamRejectedByAServerLayer(t *testing.T) {
	cc := start(t, upper{}, serverOpts(t, failWith(codeError{"resource_exhausted"})))
	cs, err := cc.NewStream(context.Background(), chatDesc, "/echo.Echo/Chat")
	require.NoError(t, err)
	err = cs.RecvMsg(new(wrapperspb.StringValue))
	assert.Equal(t, codes.ResourceExhausted, status.Code(err))
}

func TestStreamRejectedByAClientLayer(t *testing.T) {
	cc := start(t, upper{}, nil, dialOpts(t, failWith(codeError{"unavailable"}))...)
	_, err := cc.NewStream(context.Background(), chatDesc, "/echo.Echo/Chat")
	assert.Equal(t, codes.Unavailable, status.Code(err))
}

func TestConstructorsReportBuildErrors(t *testing.T) {
	_, err := adgrpc.UnaryServerInterceptor(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	_, err = adgrpc.StreamServerInterceptor(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	_, err = adgrpc.UnaryClientInterceptor(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	_, err = adgrpc.StreamClientInterceptor(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	_, err = adgrpc.ServerOptions(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	_, err = adgrpc.DialOptions(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
}
