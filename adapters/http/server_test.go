package http_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	adhttp "github.com/govolo/volo/adapters/http"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// codeError is an error that names its RPC code, as the ext modules' do.
type codeError struct{ code string }

func (e codeError) Error() string   { return "rejected: " + e.code }
func (e codeError) RPCCode() string { return e.code }

func failWith(err error) motore.Middleware[*adhttp.Call, int] {
	return motore.MiddlewareFn("fail", func(context.Context, *adhttp.Call, motore.Service[*adhttp.Call, int]) (int, error) {
		return 0, err
	})
}

func serve(t *testing.T, mw motore.Middleware[*adhttp.Call, int], h http.Handler, opts ...adhttp.Option) *httptest.Server {
	t.Helper()
	wrap, err := adhttp.NewMiddleware(mw, opts...)
	require.NoError(t, err)
	srv := httptest.NewServer(wrap(h))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, header http.Header) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

func TestServerMapsErrorsToStatuses(t *testing.T) {
	retryAfter := func(err error) (time.Duration, bool) { return 1500 * time.Millisecond, true }
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		retryAfter string
		body       string
	}{
		{"limited", codeError{"resource_exhausted"}, 429, "2", "rejected: resource_exhausted"},
		{"breaker open", codeError{"unavailable"}, 503, "2", "rejected: unavailable"},
		{"deadline", context.DeadlineExceeded, 504, "", "context deadline exceeded"},
		{"wrapped deadline", motore.ErrTimeout, 504, "", "motore: call timed out"},
		{"not found", codeError{"not_found"}, 404, "", "rejected: not_found"},
		{"plain error", errors.New("secret detail"), 500, "", "Internal Server Error"},
		{"bad code name", codeError{"nonsense"}, 500, "", "Internal Server Error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := serve(t, failWith(tc.err), http.NotFoundHandler(), adhttp.WithRetryAfter(retryAfter))
			resp, body := get(t, srv.URL, nil)
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, tc.retryAfter, resp.Header.Get("Retry-After"))
			assert.Equal(t, tc.body, strings.TrimSpace(body))
		})
	}
}

func TestServerWithoutRetryAfterFunctionSendsNone(t *testing.T) {
	srv := serve(t, failWith(codeError{"resource_exhausted"}), http.NotFoundHandler())
	resp, _ := get(t, srv.URL, nil)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("Retry-After"))
}

func TestServerMetainfoInAndBackwardOut(t *testing.T) {
	var seen struct{ persist, transit string }
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.persist, _ = metainfo.GetPersistentValue(r.Context(), "TENANT_ID")
		seen.transit, _ = metainfo.GetValue(r.Context(), "TAG")
		require.True(t, metainfo.SendBackwardValue(r.Context(), "SERVED_BY", "a"))
		w.WriteHeader(http.StatusCreated)
	})
	srv := serve(t, motore.Identity[*adhttp.Call, int](), h)
	resp, _ := get(t, srv.URL, http.Header{"Rpc-Persist-Tenant-Id": {"acme"}, "Rpc-Transit-Tag": {"blue"}})
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, "acme", seen.persist)
	assert.Equal(t, "blue", seen.transit)
	assert.Equal(t, "a", resp.Header.Get("Rpc-Backward-Served-By"))
}

func TestServerRejectsBadMetainfoHeaders(t *testing.T) {
	called := false
	srv := serve(t, motore.Identity[*adhttp.Call, int](), http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	resp, body := get(t, srv.URL, http.Header{"Rpc-Persist-A": {"1", "2"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Contains(t, body, "metainfo")
	assert.False(t, called)
}

func TestServerExtractsTraceParent(t *testing.T) {
	var got trace.SpanContext
	srv := serve(t, motore.Identity[*adhttp.Call, int](), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = trace.SpanContextFromContext(r.Context())
	}))
	get(t, srv.URL, http.Header{"Traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}})
	assert.True(t, got.IsRemote())
	assert.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", got.TraceID().String())
	assert.Equal(t, "00f067aa0ba902b7", got.SpanID().String())
}

func TestServerStackSeesHandlerFailures(t *testing.T) {
	var stackErr error
	var stackStatus int
	record := motore.MiddlewareFn("record", func(ctx context.Context, c *adhttp.Call, next motore.Service[*adhttp.Call, int]) (int, error) {
		stackStatus, stackErr = next.Call(ctx, c)
		return stackStatus, stackErr
	})
	srv := serve(t, record, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	resp, body := get(t, srv.URL, nil)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, "down", strings.TrimSpace(body), "the handler's response is not written twice")
	assert.Equal(t, 503, stackStatus)
	var se *adhttp.StatusError
	require.ErrorAs(t, stackErr, &se)
	assert.Equal(t, "unavailable", se.RPCCode())
	assert.Equal(t, 503, se.StatusCode())
}

func TestServerHandlerWritingNothingIs200(t *testing.T) {
	var status int
	record := motore.MiddlewareFn("record", func(ctx context.Context, c *adhttp.Call, next motore.Service[*adhttp.Call, int]) (int, error) {
		s, err := next.Call(ctx, c)
		status = s
		return s, err
	})
	srv := serve(t, record, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	resp, _ := get(t, srv.URL, nil)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, 200, status)
}

func TestServerCallInfoAndKeys(t *testing.T) {
	var info adhttp.CallInfo
	var method, peer string
	record := motore.MiddlewareFn("record", func(ctx context.Context, c *adhttp.Call, next motore.Service[*adhttp.Call, int]) (int, error) {
		info, method, peer = c.Info(), adhttp.MethodKey(ctx, c), adhttp.PeerKey(ctx, c)
		return next.Call(ctx, c)
	})
	srv := serve(t, record, http.NotFoundHandler(), adhttp.WithNaming(adhttp.PathNaming))
	get(t, srv.URL+"/echo.Echo/Echo", nil)
	assert.Equal(t, "http", info.System)
	assert.Equal(t, "echo.Echo", info.Service)
	assert.Equal(t, "Echo", info.Method)
	assert.Equal(t, "127.0.0.1", info.ServerAddress)
	assert.NotZero(t, info.ServerPort)
	assert.Equal(t, "127.0.0.1", info.PeerAddress)
	assert.NotZero(t, info.PeerPort)
	assert.Equal(t, "echo.Echo/Echo", method)
	assert.Equal(t, "127.0.0.1", peer)
}

func TestMethodNamingUsesThePattern(t *testing.T) {
	var name string
	record := motore.MiddlewareFn("record", func(ctx context.Context, c *adhttp.Call, next motore.Service[*adhttp.Call, int]) (int, error) {
		name = adhttp.MethodKey(ctx, c)
		return next.Call(ctx, c)
	})
	wrap, err := adhttp.NewMiddleware(record)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("GET /items/{id}", wrap(http.NotFoundHandler()))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get(t, srv.URL+"/items/42", nil)
	assert.Equal(t, "GET /items/{id}", name)
}

func TestNewMiddlewareReportsBuildErrors(t *testing.T) {
	_, err := adhttp.NewMiddleware(nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	wrap, err := adhttp.NewMiddleware(motore.Identity[*adhttp.Call, int]())
	require.NoError(t, err)
	assert.Panics(t, func() { wrap(nil) })
}

func TestServerDescribe(t *testing.T) {
	wrap, err := adhttp.NewMiddleware(motore.MiddlewareFn("logging", func(ctx context.Context, c *adhttp.Call, next motore.Service[*adhttp.Call, int]) (int, error) {
		return next.Call(ctx, c)
	}))
	require.NoError(t, err)
	assert.Equal(t, "http(server) -> logging -> handler", motore.Describe(wrap(http.NotFoundHandler())))
}

func TestServerTimeoutOfAHandlerThatWroteNothingIs504(t *testing.T) {
	srv := serve(t, motore.Timeout[*adhttp.Call, int](20*time.Millisecond), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	resp, _ := get(t, srv.URL, nil)
	assert.Equal(t, http.StatusGatewayTimeout, resp.StatusCode)
}
