package http_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"

	adhttp "github.com/govolo/volo/adapters/http"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

func client(t *testing.T, mw motore.Middleware[*http.Request, *http.Response], opts ...adhttp.Option) *http.Client {
	t.Helper()
	rt, err := adhttp.NewRoundTripper(mw, nil, opts...)
	require.NoError(t, err)
	c := &http.Client{Transport: rt}
	t.Cleanup(c.CloseIdleConnections)
	t.Cleanup(http.DefaultTransport.(*http.Transport).CloseIdleConnections)
	return c
}

func TestClientSendsMetainfoAndTraceContext(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Rpc-Backward-Served-By", "b")
	}))
	defer srv.Close()

	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{
		TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled,
	}))
	ctx = metainfo.WithPersistentValue(ctx, "TENANT_ID", "acme")
	ctx = metainfo.WithValue(ctx, "TAG", "blue")
	ctx = metainfo.WithBackwardValues(ctx)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	require.NoError(t, err)
	resp, err := client(t, motore.Identity[*http.Request, *http.Response]()).Do(req)
	require.NoError(t, err)
	resp.Body.Close()

	assert.Equal(t, "acme", got.Get("Rpc-Persist-Tenant-Id"))
	assert.Equal(t, "blue", got.Get("Rpc-Transit-Tag"))
	assert.Equal(t, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", got.Get("Traceparent"))
	assert.Empty(t, req.Header, "the caller's request is not changed")
	by, ok := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	assert.True(t, ok)
	assert.Equal(t, "b", by)
}

func TestClientFailureStatusIsAnErrorToTheLayersOnly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	var layerErr error
	record := motore.MiddlewareFn("record", func(ctx context.Context, r *http.Request, next motore.Service[*http.Request, *http.Response]) (*http.Response, error) {
		resp, err := next.Call(ctx, r)
		layerErr = err
		return resp, err
	})
	resp, err := client(t, record).Get(srv.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "slow down", strings.TrimSpace(string(body)))
	var se *adhttp.StatusError
	require.ErrorAs(t, layerErr, &se)
	assert.Equal(t, "resource_exhausted", se.RPCCode())
	assert.Same(t, resp, se.Response)
}

func TestClientWithFailureStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	var layerErr error
	record := motore.MiddlewareFn("record", func(ctx context.Context, r *http.Request, next motore.Service[*http.Request, *http.Response]) (*http.Response, error) {
		resp, err := next.Call(ctx, r)
		layerErr = err
		return resp, err
	})
	resp, err := client(t, record, adhttp.WithFailureStatus(func(s int) bool { return s >= 400 })).Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	var se *adhttp.StatusError
	require.ErrorAs(t, layerErr, &se)
	assert.Equal(t, "not_found", se.RPCCode())
}

func TestClientLayerRejectionIsTheError(t *testing.T) {
	sent := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent = true }))
	defer srv.Close()
	errOpen := codeError{"unavailable"}
	reject := motore.MiddlewareFn("reject", func(context.Context, *http.Request, motore.Service[*http.Request, *http.Response]) (*http.Response, error) {
		return nil, errOpen
	})
	body := &closeRecorder{Reader: strings.NewReader("x")}
	req, _ := http.NewRequest(http.MethodPost, srv.URL, body)
	_, err := client(t, reject).Do(req)
	require.Error(t, err)
	assert.True(t, errors.Is(err, errOpen))
	assert.False(t, sent)
	assert.True(t, body.closed, "the request body is closed on every path")
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

func TestClientRefusesBadMetainfo(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	ctx := metainfo.WithPersistentValue(context.Background(), "BAD KEY", "v")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := client(t, motore.Identity[*http.Request, *http.Response]()).Do(req)
	var me *metainfo.Error
	assert.ErrorAs(t, err, &me)
}

func TestRequestInfoAndHostKey(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPut, "https://api.example.com/items", nil)
	info := adhttp.RequestInfo(req)
	assert.Equal(t, adhttp.CallInfo{System: "http", Method: "PUT", ServerAddress: "api.example.com", ServerPort: 443}, info)
	assert.Equal(t, "PUT", info.FullMethod())
	assert.Equal(t, "api.example.com", adhttp.HostKey(context.Background(), req))
	req, _ = http.NewRequest(http.MethodGet, "http://10.0.0.7:8080/x", nil)
	assert.Equal(t, 8080, adhttp.RequestInfo(req).ServerPort)
	assert.Equal(t, "10.0.0.7:8080", adhttp.HostKey(context.Background(), req))
}

func TestNewRoundTripperReportsBuildErrors(t *testing.T) {
	_, err := adhttp.NewRoundTripper(nil, nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
}

func TestClientDescribe(t *testing.T) {
	rt, err := adhttp.NewRoundTripper(motore.Identity[*http.Request, *http.Response](), nil)
	require.NoError(t, err)
	assert.Equal(t, "http(client) -> transport", motore.Describe(rt))
}
