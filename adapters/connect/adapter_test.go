package connect_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adconnect "github.com/govolo/volo/adapters/connect"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// codeError is an error that names its RPC code, as the ext modules' do.
type codeError struct{ code string }

func (e codeError) Error() string   { return "rejected: " + e.code }
func (e codeError) RPCCode() string { return e.code }

var identity = motore.Identity[*adconnect.Call, any]()

func failWith(err error) motore.Middleware[*adconnect.Call, any] {
	return motore.MiddlewareFn("fail", func(context.Context, *adconnect.Call, motore.Service[*adconnect.Call, any]) (any, error) {
		return nil, err
	})
}

func serverInterceptor(t testing.TB, mw motore.Middleware[*adconnect.Call, any], opts ...adconnect.Option) connect.HandlerOption {
	t.Helper()
	i, err := adconnect.NewServerInterceptor(mw, opts...)
	require.NoError(t, err)
	return connect.WithInterceptors(i)
}

func clientInterceptor(t testing.TB, mw motore.Middleware[*adconnect.Call, any], opts ...adconnect.Option) connect.ClientOption {
	t.Helper()
	i, err := adconnect.NewClientInterceptor(mw, opts...)
	require.NoError(t, err)
	return connect.WithInterceptors(i)
}

func TestServerMapsErrorsToCodes(t *testing.T) {
	retryAfter := func(error) (time.Duration, bool) { return 1500 * time.Millisecond, true }
	for _, tc := range []struct {
		name       string
		err        error
		code       connect.Code
		httpStatus int
		retryAfter string
	}{
		{"limited", codeError{"resource_exhausted"}, connect.CodeResourceExhausted, 429, "2"},
		{"breaker open", codeError{"unavailable"}, connect.CodeUnavailable, 503, "2"},
		{"deadline", context.DeadlineExceeded, connect.CodeDeadlineExceeded, 504, ""},
		{"timeout", motore.ErrTimeout, connect.CodeDeadlineExceeded, 504, ""},
		{"connect error", connect.NewError(connect.CodeNotFound, errors.New("no such item")), connect.CodeNotFound, 404, ""},
		{"plain", errors.New("boom"), connect.CodeUnknown, 500, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveEcho(t, nil, nil, serverInterceptor(t, failWith(tc.err), adconnect.WithRetryAfter(retryAfter)))
			_, err := newEchoClient(t, srv).Echo(context.Background(), "hi")
			assert.Equal(t, tc.code, connect.CodeOf(err))
			var ce *connect.Error
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tc.retryAfter, ce.Meta().Get("Retry-After"))

			// On the wire, the connect protocol's HTTP status.
			resp, herr := srv.Client().Post(srv.URL+echoProcedure, "application/json", strings.NewReader(`"hi"`))
			require.NoError(t, herr)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			assert.Equal(t, tc.httpStatus, resp.StatusCode)
			assert.Equal(t, tc.retryAfter, resp.Header.Get("Retry-After"))
		})
	}
}

func TestClientErrorsCarryConnectCodeAndRPCCode(t *testing.T) {
	srv := serveEcho(t, nil, nil, serverInterceptor(t, failWith(codeError{"resource_exhausted"})))
	_, err := newEchoClient(t, srv, clientInterceptor(t, identity)).Echo(context.Background(), "hi")
	var e *adconnect.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "resource_exhausted", e.RPCCode())
	assert.Equal(t, connect.CodeResourceExhausted, connect.CodeOf(err))
}

func TestClientLayerRejectionHasACode(t *testing.T) {
	errOpen := codeError{"unavailable"}
	called := false
	srv := serveEcho(t, func(context.Context, *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
		called = true
		return nil, nil
	}, nil)
	c := newEchoClient(t, srv, clientInterceptor(t, failWith(errOpen)))
	_, err := c.Echo(context.Background(), "hi")
	assert.Equal(t, connect.CodeUnavailable, connect.CodeOf(err))
	assert.ErrorIs(t, err, errOpen)
	assert.False(t, called)
	_, err = c.Count(context.Background(), "abc")
	assert.Equal(t, connect.CodeUnavailable, connect.CodeOf(err))
	assert.ErrorIs(t, err, errOpen)
}

func TestMetainfoPassesThroughAndBackwardValuesReturn(t *testing.T) {
	var persist, transit string
	srv := serveEcho(t, func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
		persist, _ = metainfo.GetPersistentValue(ctx, "TENANT_ID")
		transit, _ = metainfo.GetValue(ctx, "TAG")
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
		return connect.NewResponse(req.Msg), nil
	}, nil, serverInterceptor(t, identity))
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	ctx = metainfo.WithValue(ctx, "TAG", "blue")
	ctx = metainfo.WithBackwardValues(ctx)
	_, err := newEchoClient(t, srv, clientInterceptor(t, identity)).Echo(ctx, "hi")
	require.NoError(t, err)
	assert.Equal(t, "acme", persist)
	assert.Equal(t, "blue", transit)
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	assert.Equal(t, "a", by)
}

func TestBackwardValuesComeBackWithErrors(t *testing.T) {
	srv := serveEcho(t, func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
		return nil, connect.NewError(connect.CodeNotFound, errors.New("no"))
	}, nil, serverInterceptor(t, identity))
	ctx := metainfo.WithBackwardValues(context.Background())
	_, err := newEchoClient(t, srv, clientInterceptor(t, identity)).Echo(ctx, "hi")
	assert.Equal(t, connect.CodeNotFound, connect.CodeOf(err))
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	assert.Equal(t, "a", by)
}

func TestServerRejectsBadMetainfo(t *testing.T) {
	srv := serveEcho(t, nil, nil, serverInterceptor(t, identity))
	req, _ := http.NewRequest(http.MethodPost, srv.URL+echoProcedure, strings.NewReader(`"hi"`))
	req.Header.Set("Content-Type", "application/json")
	req.Header["Rpc-Persist-A"] = []string{"1", "2"}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
}

func TestTraceContextGoesOutAndComesIn(t *testing.T) {
	var got trace.SpanContext
	srv := serveEcho(t, func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
		got = trace.SpanContextFromContext(ctx)
		return connect.NewResponse(req.Msg), nil
	}, nil, serverInterceptor(t, identity))
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled,
	}))
	_, err := newEchoClient(t, srv, clientInterceptor(t, identity)).Echo(ctx, "hi")
	require.NoError(t, err)
	assert.True(t, got.IsRemote())
	assert.Equal(t, tid, got.TraceID())
	assert.Equal(t, sid, got.SpanID())
}

func TestCallInfoAndKeys(t *testing.T) {
	var server, client adconnect.CallInfo
	var method, peer, host string
	srvMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adconnect.Call, next motore.Service[*adconnect.Call, any]) (any, error) {
		server, method, peer = c.Info(), adconnect.MethodKey(ctx, c), adconnect.PeerKey(ctx, c)
		return next.Call(ctx, c)
	})
	cliMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adconnect.Call, next motore.Service[*adconnect.Call, any]) (any, error) {
		client, host = c.Info(), adconnect.HostKey(ctx, c)
		return next.Call(ctx, c)
	})
	srv := serveEcho(t, nil, nil, serverInterceptor(t, srvMW))
	_, err := newEchoClient(t, srv, clientInterceptor(t, cliMW)).Echo(context.Background(), "hi")
	require.NoError(t, err)
	assert.Equal(t, "connectrpc", server.System)
	assert.Equal(t, "echo.Echo/Echo", server.FullMethod())
	assert.Equal(t, "127.0.0.1", server.PeerAddress)
	assert.NotZero(t, server.PeerPort)
	assert.Equal(t, "echo.Echo/Echo", method)
	assert.Equal(t, "127.0.0.1", peer)
	assert.Equal(t, "Echo", client.Method)
	assert.Equal(t, "127.0.0.1", client.ServerAddress)
	assert.NotZero(t, client.ServerPort)
	assert.Equal(t, strings.TrimPrefix(srv.URL, "http://"), host)
}

func TestStreamsRunThroughTheStacks(t *testing.T) {
	var serverSaw, clientSaw *adconnect.Call
	var tenant string
	srvMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adconnect.Call, next motore.Service[*adconnect.Call, any]) (any, error) {
		serverSaw = c
		return next.Call(ctx, c)
	})
	cliMW := motore.MiddlewareFn("record", func(ctx context.Context, c *adconnect.Call, next motore.Service[*adconnect.Call, any]) (any, error) {
		clientSaw = c
		return next.Call(ctx, c)
	})
	srv := serveEcho(t, nil, func(ctx context.Context, req *connect.Request[wrapperspb.StringValue], stream *connect.ServerStream[wrapperspb.StringValue]) error {
		tenant, _ = metainfo.GetPersistentValue(ctx, "TENANT_ID")
		return countTo(ctx, req, stream)
	}, serverInterceptor(t, srvMW))
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	got, err := newEchoClient(t, srv, clientInterceptor(t, cliMW)).Count(ctx, "abc")
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "ab", "abc"}, got)
	assert.Equal(t, "acme", tenant)
	require.NotNil(t, serverSaw)
	assert.True(t, serverSaw.IsStream())
	assert.NotNil(t, serverSaw.HandlerConn)
	require.NotNil(t, clientSaw)
	assert.True(t, clientSaw.IsStream())
	assert.True(t, clientSaw.Spec.IsClient)
}

func TestStreamRejectedByAServerLayer(t *testing.T) {
	srv := serveEcho(t, nil, nil, serverInterceptor(t, failWith(codeError{"resource_exhausted"})))
	_, err := newEchoClient(t, srv).Count(context.Background(), "abc")
	assert.Equal(t, connect.CodeResourceExhausted, connect.CodeOf(err))
}

func TestInterceptorOnTheOtherSidePassesThrough(t *testing.T) {
	srvSide, err := adconnect.NewServerInterceptor(failWith(codeError{"unavailable"}))
	require.NoError(t, err)
	cliSide, err := adconnect.NewClientInterceptor(failWith(codeError{"unavailable"}))
	require.NoError(t, err)
	srv := serveEcho(t, nil, nil, connect.WithInterceptors(cliSide))
	got, err := newEchoClient(t, srv, connect.WithInterceptors(srvSide)).Echo(context.Background(), "hi")
	require.NoError(t, err)
	assert.Equal(t, "HI", got)
}

func TestConstructorsReportBuildErrors(t *testing.T) {
	_, err := adconnect.NewServerInterceptor(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	_, err = adconnect.NewClientInterceptor(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
}

func TestDescribe(t *testing.T) {
	i, err := adconnect.NewServerInterceptor(identity)
	require.NoError(t, err)
	assert.Equal(t, "connect(server) -> connect", motore.Describe(i))
}
