package adapters_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	httptransport "github.com/go-kit/kit/transport/http"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/adapters/gokit"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/interop/adapters"
	"github.com/govolo/volo/volo"
)

func gokitInfo(_ context.Context, c *gokit.Call) tracing.CallInfo { return tracing.CallInfo(c.Info()) }

func decodeJSONString(_ context.Context, r *http.Request) (any, error) {
	var s string
	err := json.NewDecoder(r.Body).Decode(&s)
	return s, err
}

func decodeJSONStringResponse(_ context.Context, resp *http.Response) (any, error) {
	if err := gokit.ErrorFromResponse(resp); err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, errors.New(resp.Status)
	}
	var s string
	err := json.NewDecoder(resp.Body).Decode(&s)
	return s, err
}

// gokitStatus reads the status of a go-kit error: ours, or one a
// response decoder made.
func gokitStatus(err error) string {
	var e *gokit.Error
	if errors.As(err, &e) {
		return strconv.Itoa(e.StatusCode())
	}
	return ""
}

var gokitFramework = adapters.Framework{
	Name:   "gokit",
	System: "gokit",
	Method: "echo.Echo/Echo",
	Codes: map[volo.Code]string{
		volo.CodeResourceExhausted: "429",
		volo.CodeUnavailable:       "503",
		volo.CodeDeadlineExceeded:  "504",
		volo.CodeNotFound:          "404",
	},
	NativeCode: gokitStatus,
	RetryAfter: gokit.RetryAfter,
	Serve: func(t testing.TB, s adapters.Stack, h adapters.Handler) string {
		mw, err := gokit.Middleware(adapters.ServerMiddleware[*gokit.Call, any](s, gokitInfo),
			gokit.WithName("echo.Echo", "Echo"), gokit.WithRetryAfter(ratelimit.RetryAfter))
		require.NoError(t, err)
		e := mw(func(ctx context.Context, req any) (any, error) { return h(ctx, req.(string)) })
		srv := httptest.NewServer(httptransport.NewServer(e, decodeJSONString, httptransport.EncodeJSONResponse,
			httptransport.ServerBefore(gokit.ServerBefore()),
			httptransport.ServerAfter(gokit.ServerAfter()),
		))
		t.Cleanup(srv.Close)
		return srv.URL
	},
	Dial: func(t testing.TB, s adapters.Stack, addr string) adapters.Caller {
		u, err := url.Parse(addr)
		require.NoError(t, err)
		mw, err := gokit.Middleware(adapters.ClientMiddleware[*gokit.Call, any](s, gokitInfo), gokit.WithName("echo.Echo", "Echo"))
		require.NoError(t, err)
		e := mw(httptransport.NewClient(http.MethodPost, u, httptransport.EncodeJSONRequest, decodeJSONStringResponse,
			httptransport.SetClient(newHTTPClient(t)),
			httptransport.ClientBefore(gokit.ClientBefore()),
			httptransport.ClientAfter(gokit.ClientAfter()),
		).Endpoint())
		return func(ctx context.Context, msg string) (string, error) {
			out, err := e(ctx, msg)
			if err != nil {
				return "", err
			}
			return out.(string), nil
		}
	},
}

func TestGoKit(t *testing.T) { adapters.Run(t, gokitFramework) }
