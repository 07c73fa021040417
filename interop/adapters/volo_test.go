package adapters_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/interop/adapters"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func voloInfo(_ context.Context, c *thrift.Call) tracing.CallInfo {
	i := c.Info()
	return tracing.CallInfo{System: i.Protocol, Service: i.Service, Method: i.Method}
}

type voloHandler adapters.Handler

func (h voloHandler) Echo(ctx context.Context, msg string) (string, error) { return h(ctx, msg) }

var voloCodes = func() map[volo.Code]string {
	m := map[volo.Code]string{}
	for _, c := range []volo.Code{volo.CodeResourceExhausted, volo.CodeUnavailable, volo.CodeDeadlineExceeded, volo.CodeNotFound} {
		m[c] = c.String()
	}
	return m
}()

var voloFramework = adapters.Framework{
	Name:       "volo",
	System:     "thrift",
	Method:     "Echo/echo",
	Codes:      voloCodes,
	NativeCode: func(err error) string { return volo.CodeOf(err).String() },
	// volo's Thrift transport carries the trace context in metainfo.
	Tracing: []tracing.Option{tracing.WithPropagators(propagation.TraceContext{})},
	Serve: func(t testing.TB, s adapters.Stack, h adapters.Handler) string {
		srv, err := server.New(
			server.WithMiddleware(adapters.ServerMiddleware[*thrift.Call, thrift.Struct](s, voloInfo)),
			server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
		)
		require.NoError(t, err)
		require.NoError(t, echo.RegisterEcho(srv, voloHandler(h)))
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		done := make(chan error, 1)
		go func() { done <- srv.Serve(ln) }()
		t.Cleanup(func() {
			srv.Close()
			if err := <-done; !errors.Is(err, volo.ErrServerClosed) {
				t.Errorf("serve: %v", err)
			}
		})
		return ln.Addr().String()
	},
	Dial: func(t testing.TB, s adapters.Stack, addr string) adapters.Caller {
		c, err := echo.NewEchoClient(client.WithAddress(addr),
			client.WithMiddleware(adapters.ClientMiddleware[*thrift.Call, thrift.Struct](s, voloInfo)))
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		return func(ctx context.Context, msg string) (string, error) { return c.Echo(ctx, msg) }
	},
}

func TestVolo(t *testing.T) { adapters.Run(t, voloFramework) }
