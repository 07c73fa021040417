package adapters_test

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adgrpc "github.com/govolo/volo/adapters/grpc"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/interop/adapters"
	"github.com/govolo/volo/volo"
)

// grpcEcho is the service of the gRPC tests, echo.Echo with one method
// Echo(StringValue) returns (StringValue), as protoc-gen-go-grpc would
// describe it.
type grpcEcho interface {
	Echo(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
}

var grpcEchoDesc = grpc.ServiceDesc{
	ServiceName: "echo.Echo",
	HandlerType: (*grpcEcho)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, req any) (any, error) {
				return srv.(grpcEcho).Echo(ctx, req.(*wrapperspb.StringValue))
			}
			if icpt == nil {
				return h(ctx, in)
			}
			return icpt(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/echo.Echo/Echo"}, h)
		},
	}},
}

type grpcHandler adapters.Handler

func (h grpcHandler) Echo(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	out, err := h(ctx, in.Value)
	if err != nil {
		return nil, err
	}
	return wrapperspb.String(out), nil
}

func grpcInfo(_ context.Context, c *adgrpc.Call) tracing.CallInfo { return tracing.CallInfo(c.Info()) }

// serveGRPC starts a grpc-go server on loopback with opts and the echo
// service, until the test ends.
func serveGRPC(t testing.TB, impl grpcEcho, opts ...grpc.ServerOption) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer(opts...)
	srv.RegisterService(&grpcEchoDesc, impl)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Stop(); <-done })
	return ln.Addr().String()
}

// dialGRPC connects to addr with opts, until the test ends.
func dialGRPC(t testing.TB, addr string, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	cc, err := grpc.NewClient(addr, append(opts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	require.NoError(t, err)
	t.Cleanup(func() { cc.Close() })
	return cc
}

// pushback is a gRPC client's error with the server's
// grpc-retry-pushback-ms trailer.
type pushback struct {
	error
	ms string
}

func (p *pushback) Unwrap() error { return p.error }

var grpcFramework = adapters.Framework{
	Name:   "grpc",
	System: "grpc",
	Method: "echo.Echo/Echo",
	Codes: map[volo.Code]string{
		volo.CodeResourceExhausted: "ResourceExhausted",
		volo.CodeUnavailable:       "Unavailable",
		volo.CodeDeadlineExceeded:  "DeadlineExceeded",
		volo.CodeNotFound:          "NotFound",
	},
	NativeCode: func(err error) string { return status.Code(err).String() },
	RetryAfter: func(err error) (time.Duration, bool) {
		var p *pushback
		if !errors.As(err, &p) {
			return 0, false
		}
		ms, perr := strconv.Atoi(p.ms)
		return time.Duration(ms) * time.Millisecond, perr == nil
	},
	Serve: func(t testing.TB, s adapters.Stack, h adapters.Handler) string {
		sopts, err := adgrpc.ServerOptions(adapters.ServerMiddleware[*adgrpc.Call, any](s, grpcInfo),
			adgrpc.WithRetryAfter(ratelimit.RetryAfter))
		require.NoError(t, err)
		return serveGRPC(t, grpcHandler(h), sopts...)
	},
	Dial: func(t testing.TB, s adapters.Stack, addr string) adapters.Caller {
		dopts, err := adgrpc.DialOptions(adapters.ClientMiddleware[*adgrpc.Call, any](s, grpcInfo))
		require.NoError(t, err)
		cc := dialGRPC(t, addr, dopts...)
		return func(ctx context.Context, msg string) (string, error) {
			out := new(wrapperspb.StringValue)
			var trailer metadata.MD
			if err := cc.Invoke(ctx, "/echo.Echo/Echo", wrapperspb.String(msg), out, grpc.Trailer(&trailer)); err != nil {
				if v := trailer.Get("grpc-retry-pushback-ms"); len(v) > 0 {
					return "", &pushback{err, v[0]}
				}
				return "", err
			}
			return out.Value, nil
		}
	},
}

func TestGRPC(t *testing.T) { adapters.Run(t, grpcFramework) }
