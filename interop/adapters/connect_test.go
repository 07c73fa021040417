package adapters_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adconnect "github.com/govolo/volo/adapters/connect"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/interop/adapters"
	"github.com/govolo/volo/volo"
)

func connectInfo(_ context.Context, c *adconnect.Call) tracing.CallInfo {
	return tracing.CallInfo(c.Info())
}

// newHTTPClient returns a client whose idle connections close when the
// test ends.
func newHTTPClient(t testing.TB) *http.Client {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

var connectFramework = adapters.Framework{
	Name:   "connect",
	System: "connectrpc",
	Method: "echo.Echo/Echo",
	Codes: map[volo.Code]string{
		volo.CodeResourceExhausted: "resource_exhausted",
		volo.CodeUnavailable:       "unavailable",
		volo.CodeDeadlineExceeded:  "deadline_exceeded",
		volo.CodeNotFound:          "not_found",
	},
	NativeCode: func(err error) string { return connect.CodeOf(err).String() },
	RetryAfter: func(err error) (time.Duration, bool) {
		var ce *connect.Error
		if !errors.As(err, &ce) {
			return 0, false
		}
		s, perr := strconv.Atoi(ce.Meta().Get("Retry-After"))
		return time.Duration(s) * time.Second, perr == nil
	},
	Serve: func(t testing.TB, s adapters.Stack, h adapters.Handler) string {
		icpt, err := adconnect.NewServerInterceptor(adapters.ServerMiddleware[*adconnect.Call, any](s, connectInfo),
			adconnect.WithRetryAfter(ratelimit.RetryAfter))
		require.NoError(t, err)
		mux := http.NewServeMux()
		mux.Handle("/echo.Echo/Echo", connect.NewUnaryHandler("/echo.Echo/Echo",
			func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
				out, err := h(ctx, req.Msg.Value)
				if err != nil {
					return nil, err
				}
				return connect.NewResponse(wrapperspb.String(out)), nil
			}, connect.WithInterceptors(icpt)))
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		return srv.URL
	},
	Dial: func(t testing.TB, s adapters.Stack, addr string) adapters.Caller {
		icpt, err := adconnect.NewClientInterceptor(adapters.ClientMiddleware[*adconnect.Call, any](s, connectInfo))
		require.NoError(t, err)
		c := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](newHTTPClient(t), addr+"/echo.Echo/Echo",
			connect.WithInterceptors(icpt))
		return func(ctx context.Context, msg string) (string, error) {
			resp, err := c.CallUnary(ctx, connect.NewRequest(wrapperspb.String(msg)))
			if err != nil {
				return "", err
			}
			return resp.Msg.Value, nil
		}
	},
}

func TestConnect(t *testing.T) { adapters.Run(t, connectFramework) }
