package gokit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-kit/kit/endpoint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/adapters/gokit"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// codeError is an error that names its RPC code, as the ext modules' do.
type codeError struct{ code string }

func (e codeError) Error() string   { return "rejected: " + e.code }
func (e codeError) RPCCode() string { return e.code }

var identity = motore.Identity[*gokit.Call, any]()

func failWith(err error) motore.Middleware[*gokit.Call, any] {
	return motore.MiddlewareFn("fail", func(context.Context, *gokit.Call, motore.Service[*gokit.Call, any]) (any, error) {
		return nil, err
	})
}

func wrap(t testing.TB, mw motore.Middleware[*gokit.Call, any], e endpoint.Endpoint, opts ...gokit.Option) endpoint.Endpoint {
	t.Helper()
	m, err := gokit.Middleware(mw, opts...)
	require.NoError(t, err)
	return m(e)
}

func TestServerErrorsGetStatuses(t *testing.T) {
	retryAfter := func(error) (time.Duration, bool) { return 1500 * time.Millisecond, true }
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		retryAfter string
	}{
		{"limited", codeError{"resource_exhausted"}, 429, "2"},
		{"breaker open", codeError{"unavailable"}, 503, "2"},
		{"deadline", context.DeadlineExceeded, 504, ""},
		{"timeout", motore.ErrTimeout, 504, ""},
		{"plain", errors.New("boom"), 500, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serveEndpoint(t, wrap(t, failWith(tc.err), upperEndpoint, gokit.WithRetryAfter(retryAfter)))
			resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader(`"hi"`))
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.retryAfter, resp.Header.Get("Retry-After"))
			assert.Equal(t, tc.err.Error(), string(body))
		})
	}
}

func TestClientReadsTheServersRejection(t *testing.T) {
	retryAfter := func(error) (time.Duration, bool) { return 3 * time.Second, true }
	srv := serveEndpoint(t, wrap(t, failWith(codeError{"resource_exhausted"}), upperEndpoint, gokit.WithRetryAfter(retryAfter)))
	var layerErr error
	record := motore.MiddlewareFn("record", func(ctx context.Context, c *gokit.Call, next motore.Service[*gokit.Call, any]) (any, error) {
		resp, err := next.Call(ctx, c)
		layerErr = err
		return resp, err
	})
	_, err := wrap(t, record, clientEndpoint(t, srv))(context.Background(), "hi")
	var e *gokit.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, "resource_exhausted", e.RPCCode())
	assert.Equal(t, 429, e.StatusCode())
	d, ok := gokit.RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, 3*time.Second, d)
	assert.ErrorAs(t, layerErr, &e, "the client's layers see the rejection")
}

func TestMetainfoPassesThroughAndBackwardValuesReturn(t *testing.T) {
	var persist, transit string
	srv := serveEndpoint(t, wrap(t, identity, func(ctx context.Context, req any) (any, error) {
		persist, _ = metainfo.GetPersistentValue(ctx, "TENANT_ID")
		transit, _ = metainfo.GetValue(ctx, "TAG")
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
		return req, nil
	}))
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	ctx = metainfo.WithValue(ctx, "TAG", "blue")
	ctx = metainfo.WithBackwardValues(ctx)
	got, err := wrap(t, identity, clientEndpoint(t, srv))(ctx, "hi")
	require.NoError(t, err)
	assert.Equal(t, "hi", got)
	assert.Equal(t, "acme", persist)
	assert.Equal(t, "blue", transit)
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	assert.Equal(t, "a", by)
}

func TestBackwardValuesGoOutWithErrors(t *testing.T) {
	srv := serveEndpoint(t, wrap(t, identity, func(ctx context.Context, req any) (any, error) {
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
		return nil, codeError{"not_found"}
	}))
	resp, err := srv.Client().Post(srv.URL, "application/json", strings.NewReader(`"hi"`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "a", resp.Header.Get("Rpc-Backward-Served-By"))
}

func TestServerRejectsBadMetainfo(t *testing.T) {
	called := false
	srv := serveEndpoint(t, wrap(t, identity, func(ctx context.Context, req any) (any, error) {
		called = true
		return req, nil
	}))
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(`"hi"`))
	req.Header["Rpc-Persist-A"] = []string{"1", "2"}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 400, resp.StatusCode)
	assert.False(t, called)
}

func TestClientRefusesBadMetainfo(t *testing.T) {
	srv := serveEndpoint(t, upperEndpoint)
	ctx := metainfo.WithPersistentValue(context.Background(), "BAD KEY", "v")
	_, err := clientEndpoint(t, srv)(ctx, "hi")
	var me *metainfo.Error
	assert.ErrorAs(t, err, &me)
}

func TestTraceContextGoesOutAndComesIn(t *testing.T) {
	var got trace.SpanContext
	srv := serveEndpoint(t, func(ctx context.Context, req any) (any, error) {
		got = trace.SpanContextFromContext(ctx)
		return req, nil
	})
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled,
	}))
	_, err := clientEndpoint(t, srv)(ctx, "hi")
	require.NoError(t, err)
	assert.True(t, got.IsRemote())
	assert.Equal(t, tid, got.TraceID())
	assert.Equal(t, sid, got.SpanID())
}

func TestCallInfoAndMethodKey(t *testing.T) {
	var info gokit.CallInfo
	var key string
	record := motore.MiddlewareFn("record", func(ctx context.Context, c *gokit.Call, next motore.Service[*gokit.Call, any]) (any, error) {
		info, key = c.Info(), gokit.MethodKey(ctx, c)
		assert.Equal(t, "hi", c.Request)
		return next.Call(ctx, c)
	})
	_, err := wrap(t, record, upperEndpoint, gokit.WithName("echo.Echo", "Echo"))(context.Background(), "hi")
	require.NoError(t, err)
	assert.Equal(t, gokit.CallInfo{System: "gokit", Service: "echo.Echo", Method: "Echo"}, info)
	assert.Equal(t, "echo.Echo/Echo", key)
	assert.Equal(t, "echo.Echo/Echo", info.FullMethod())
}

func TestFromMiddlewareRunsGoKitMiddlewareInAStack(t *testing.T) {
	var calls atomic.Int64
	counting := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) {
			calls.Add(1)
			return next(ctx, req)
		}
	}
	svc, err := motore.Build(motore.ServiceFn(func(_ context.Context, s *string) (*string, error) {
		u := strings.ToUpper(*s)
		return &u, nil
	}), gokit.FromMiddleware[*string, *string](counting))
	require.NoError(t, err)
	in := "hi"
	out, err := svc.Call(context.Background(), &in)
	require.NoError(t, err)
	assert.Equal(t, "HI", *out)
	assert.EqualValues(t, 1, calls.Load())
	assert.Equal(t, "gokit -> ", motore.Describe(svc)[:len("gokit -> ")])
}

func TestFromMiddlewareReportsTypeMistakes(t *testing.T) {
	swap := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) { return 42, nil }
	}
	svc, err := motore.Build(motore.ServiceFn(func(_ context.Context, s string) (string, error) { return s, nil }),
		gokit.FromMiddleware[string, string](swap))
	require.NoError(t, err)
	_, err = svc.Call(context.Background(), "x")
	assert.ErrorIs(t, err, gokit.ErrResponseType)

	bad := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) { return next(ctx, 42) }
	}
	svc, err = motore.Build(motore.ServiceFn(func(_ context.Context, s string) (string, error) { return s, nil }),
		gokit.FromMiddleware[string, string](bad))
	require.NoError(t, err)
	_, err = svc.Call(context.Background(), "x")
	assert.ErrorIs(t, err, gokit.ErrRequestType)

	_, err = motore.Build(motore.ServiceFn(func(_ context.Context, s string) (string, error) { return s, nil }),
		gokit.FromMiddleware[string, string](nil))
	assert.ErrorIs(t, err, motore.ErrNilFunc)
}

func TestMiddlewareReportsBuildErrors(t *testing.T) {
	_, err := gokit.Middleware(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	m, err := gokit.Middleware(identity)
	require.NoError(t, err)
	assert.Panics(t, func() { m(nil) })
}
