package adapters_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	adhttp "github.com/govolo/volo/adapters/http"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/interop/adapters"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
)

func httpInfo(_ context.Context, c *adhttp.Call) tracing.CallInfo { return tracing.CallInfo(c.Info()) }

func httpClientInfo(_ context.Context, r *http.Request) tracing.CallInfo {
	return tracing.CallInfo(adhttp.RequestInfo(r))
}

// httpEcho is the echo method over plain HTTP: POST /echo.Echo/Echo with
// the message as the body, written as a motore service so that its errors
// reach the stack.
func httpEcho(h adapters.Handler) motore.Service[*adhttp.Call, int] {
	return motore.ServiceFn(func(ctx context.Context, c *adhttp.Call) (int, error) {
		body, err := io.ReadAll(c.Request.Body)
		if err != nil {
			return 0, err
		}
		out, err := h(ctx, string(body))
		if err != nil {
			return 0, err
		}
		_, _ = io.WriteString(c.Writer, out)
		return http.StatusOK, nil
	})
}

var httpFramework = adapters.Framework{
	Name:   "http",
	System: "http",
	Method: "echo.Echo/Echo",
	Codes: map[volo.Code]string{
		volo.CodeResourceExhausted: "429",
		volo.CodeUnavailable:       "503",
		volo.CodeDeadlineExceeded:  "504",
		volo.CodeNotFound:          "404",
	},
	NativeCode: func(err error) string {
		var se *adhttp.StatusError
		if !errors.As(err, &se) {
			return ""
		}
		return strconv.Itoa(se.Code)
	},
	RetryAfter: func(err error) (time.Duration, bool) {
		var se *adhttp.StatusError
		if !errors.As(err, &se) || se.Response == nil {
			return 0, false
		}
		s, perr := strconv.Atoi(se.Response.Header.Get("Retry-After"))
		return time.Duration(s) * time.Second, perr == nil
	},
	Serve: func(t testing.TB, s adapters.Stack, h adapters.Handler) string {
		handler, err := adhttp.NewHandler(httpEcho(h), adapters.ServerMiddleware[*adhttp.Call, int](s, httpInfo),
			adhttp.WithNaming(adhttp.PathNaming), adhttp.WithRetryAfter(ratelimit.RetryAfter))
		require.NoError(t, err)
		srv := httptest.NewServer(handler)
		t.Cleanup(srv.Close)
		return srv.URL
	},
	Dial: func(t testing.TB, s adapters.Stack, addr string) adapters.Caller {
		base := http.DefaultTransport.(*http.Transport).Clone()
		t.Cleanup(base.CloseIdleConnections)
		rt, err := adhttp.NewRoundTripper(adapters.ClientMiddleware[*http.Request, *http.Response](s, httpClientInfo), base)
		require.NoError(t, err)
		client := &http.Client{Transport: rt}
		return func(ctx context.Context, msg string) (string, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, addr+"/echo.Echo/Echo", strings.NewReader(msg))
			if err != nil {
				return "", err
			}
			resp, err := client.Do(req)
			if err != nil {
				return "", err
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return "", err
			}
			if resp.StatusCode != http.StatusOK {
				return "", &adhttp.StatusError{Code: resp.StatusCode, Response: resp}
			}
			return string(body), nil
		}
	},
}

func TestHTTP(t *testing.T) { adapters.Run(t, httpFramework) }
