package grpc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// echoServer is the service of the tests: Echo answers in upper case,
// Chat echoes every message of a stream.
type echoServer interface {
	Echo(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
	Chat(stream grpc.ServerStream) error
}

// echoDesc is what protoc-gen-go-grpc would write for
// service Echo { rpc Echo(StringValue) returns (StringValue); rpc Chat(stream StringValue) returns (stream StringValue); }.
var echoDesc = grpc.ServiceDesc{
	ServiceName: "echo.Echo",
	HandlerType: (*echoServer)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, req any) (any, error) {
				return srv.(echoServer).Echo(ctx, req.(*wrapperspb.StringValue))
			}
			if icpt == nil {
				return h(ctx, in)
			}
			return icpt(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/echo.Echo/Echo"}, h)
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Chat",
		Handler:       func(srv any, stream grpc.ServerStream) error { return srv.(echoServer).Chat(stream) },
		ServerStreams: true,
		ClientStreams: true,
	}},
}

var chatDesc = &echoDesc.Streams[0]

// upper is the default implementation.
type upper struct {
	echo func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
}

func (u upper) Echo(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	if u.echo != nil {
		return u.echo(ctx, in)
	}
	return wrapperspb.String(strings.ToUpper(in.Value)), nil
}

func (upper) Chat(stream grpc.ServerStream) error {
	for {
		in := new(wrapperspb.StringValue)
		if err := stream.RecvMsg(in); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if err := stream.SendMsg(wrapperspb.String(strings.ToUpper(in.Value))); err != nil {
			return err
		}
	}
}

// start serves impl with the server options on an in-memory listener and
// returns a connection to it with the dial options.
func start(t testing.TB, impl echoServer, sopts []grpc.ServerOption, dopts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	ln := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(sopts...)
	srv.RegisterService(&echoDesc, impl)
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	dopts = append(dopts,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return ln.DialContext(ctx) }),
	)
	cc, err := grpc.NewClient("passthrough:///echo.internal:8443", dopts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		cc.Close()
		srv.Stop()
		<-done
	})
	return cc
}

func echo(ctx context.Context, cc *grpc.ClientConn, msg string, opts ...grpc.CallOption) (string, error) {
	out := new(wrapperspb.StringValue)
	err := cc.Invoke(ctx, "/echo.Echo/Echo", wrapperspb.String(msg), out, opts...)
	return out.GetValue(), err
}
