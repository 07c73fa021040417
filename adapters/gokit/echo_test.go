package gokit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/go-kit/kit/endpoint"
	httptransport "github.com/go-kit/kit/transport/http"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/adapters/gokit"
)

// upperEndpoint answers a string in upper case.
func upperEndpoint(_ context.Context, req any) (any, error) {
	return strings.ToUpper(req.(string)), nil
}

func decodeString(_ context.Context, r *http.Request) (any, error) {
	var s string
	err := json.NewDecoder(r.Body).Decode(&s)
	return s, err
}

func decodeStringResponse(_ context.Context, resp *http.Response) (any, error) {
	if err := gokit.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	var s string
	err := json.NewDecoder(resp.Body).Decode(&s)
	return s, err
}

// serveEndpoint serves e over go-kit's transport/http with the adapter's
// hooks on loopback.
func serveEndpoint(t testing.TB, e endpoint.Endpoint, opts ...gokit.Option) *httptest.Server {
	t.Helper()
	h := httptransport.NewServer(e, decodeString, httptransport.EncodeJSONResponse,
		httptransport.ServerBefore(gokit.ServerBefore(opts...)),
		httptransport.ServerAfter(gokit.ServerAfter(opts...)),
	)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// clientEndpoint calls srv over go-kit's transport/http with the adapter's
// hooks.
func clientEndpoint(t testing.TB, srv *httptest.Server, opts ...gokit.Option) endpoint.Endpoint {
	t.Helper()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	hc := srv.Client()
	t.Cleanup(hc.CloseIdleConnections)
	return httptransport.NewClient(http.MethodPost, u, httptransport.EncodeJSONRequest, decodeStringResponse,
		httptransport.SetClient(hc),
		httptransport.ClientBefore(gokit.ClientBefore(opts...)),
		httptransport.ClientAfter(gokit.ClientAfter(opts...)),
	).Endpoint()
}
