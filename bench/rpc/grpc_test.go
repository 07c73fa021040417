package rpc_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"

	benchpb "github.com/govolo/volo/bench/rpc/gen/bench"
	vgrpc "github.com/govolo/volo/volo/grpc"
	vclient "github.com/govolo/volo/volo/grpc/client"
	vserver "github.com/govolo/volo/volo/grpc/server"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// The gRPC benchmarks compare volo's gRPC server and client with grpc-go's
// on the same protobuf messages (a 1 KiB google.protobuf.BytesValue) and
// the same service, "bench.Echo": a unary Echo, and a bidi Stream echoing
// every message.

const echoService = "bench.Echo"

var grpcPayload = wrapperspb.Bytes(make([]byte, size))

// echoImpl serves bench.Echo (testdata/idl/bench/echo.proto) through the
// stubs pbgen generates (gen/bench).
var _ benchpb.Echo = echoImpl{}

type echoImpl struct{}

func (echoImpl) Echo(_ context.Context, in *wrapperspb.BytesValue) (*wrapperspb.BytesValue, error) {
	return in, nil
}

func (echoImpl) Stream(s vgrpc.BidiStreamingServer[wrapperspb.BytesValue, wrapperspb.BytesValue]) error {
	for {
		m, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(m); err != nil {
			return err
		}
	}
}

// grpcGoEchoDesc is the same service for grpc-go, as protoc-gen-go-grpc
// would declare it.
var grpcGoEchoDesc = grpc.ServiceDesc{
	ServiceName: echoService,
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.BytesValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			return in, nil
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Stream",
		ServerStreams: true,
		ClientStreams: true,
		Handler: func(_ any, s grpc.ServerStream) error {
			for {
				m := new(wrapperspb.BytesValue)
				if err := s.RecvMsg(m); err == io.EOF {
					return nil
				} else if err != nil {
					return err
				}
				if err := s.SendMsg(m); err != nil {
					return err
				}
			}
		},
	}},
}

// A grpcContender makes unary calls and opens bidi streams.
type grpcContender struct {
	name  string
	unary func(ctx context.Context) (int, error)
	// stream opens a bidi stream: send and recv one message each.
	stream func(ctx context.Context) (send func() error, recv func() (int, error), closeSend func() error, err error)
}

func grpcContenders(tb testing.TB) []grpcContender {
	tb.Helper()
	var cs []grpcContender

	// volo's server and client.
	{
		srv, err := vserver.New()
		if err != nil {
			tb.Fatal(err)
		}
		if err := benchpb.RegisterEcho(srv, echoImpl{}); err != nil {
			tb.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		go srv.Serve(ln)
		tb.Cleanup(func() { srv.Close() })
		c, err := vclient.New(echoService, vclient.WithAddress(ln.Addr().String()))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { c.Close() })
		cs = append(cs, grpcContender{
			name: "volo-grpc",
			unary: func(ctx context.Context) (int, error) {
				out := new(wrapperspb.BytesValue)
				err := c.Call(ctx, benchpb.EchoEchoMethod, grpcPayload, out)
				return len(out.Value), err
			},
			stream: func(ctx context.Context) (func() error, func() (int, error), func() error, error) {
				st, err := c.NewStream(ctx, benchpb.EchoStreamMethod, nil)
				if err != nil {
					return nil, nil, nil, err
				}
				in := new(wrapperspb.BytesValue)
				return func() error { return st.SendMsg(grpcPayload) },
					func() (int, error) { err := st.RecvMsg(in); return len(in.Value), err },
					st.CloseSend, nil
			},
		})
	}

	// grpc-go's server and client.
	{
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		srv := grpc.NewServer()
		srv.RegisterService(&grpcGoEchoDesc, nil)
		go srv.Serve(ln)
		tb.Cleanup(srv.Stop)
		cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { cc.Close() })
		sd := &grpcGoEchoDesc.Streams[0]
		cs = append(cs, grpcContender{
			name: "grpc-go",
			unary: func(ctx context.Context) (int, error) {
				out := new(wrapperspb.BytesValue)
				err := cc.Invoke(ctx, "/"+echoService+"/Echo", grpcPayload, out)
				return len(out.Value), err
			},
			stream: func(ctx context.Context) (func() error, func() (int, error), func() error, error) {
				st, err := cc.NewStream(ctx, sd, "/"+echoService+"/Stream")
				if err != nil {
					return nil, nil, nil, err
				}
				in := new(wrapperspb.BytesValue)
				return func() error { return st.SendMsg(grpcPayload) },
					func() (int, error) { err := st.RecvMsg(in); return len(in.Value), err },
					st.CloseSend, nil
			},
		})
	}
	return cs
}

// TestGRPCContendersAgree checks that both stacks echo the payload, unary
// and on a stream.
func TestGRPCContendersAgree(t *testing.T) {
	for _, c := range grpcContenders(t) {
		n, err := c.unary(context.Background())
		if err != nil || n != size {
			t.Fatalf("%s unary: %d bytes, %v", c.name, n, err)
		}
		send, recv, closeSend, err := c.stream(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := send(); err != nil {
				t.Fatal(err)
			}
			if n, err := recv(); err != nil || n != size {
				t.Fatalf("%s stream: %d bytes, %v", c.name, n, err)
			}
		}
		closeSend()
		if _, err := recv(); err != io.EOF {
			t.Fatalf("%s stream end: %v", c.name, err)
		}
	}
}

// BenchmarkGRPCUnary1KB: 100 callers making unary 1 KiB echo calls.
func BenchmarkGRPCUnary1KB(b *testing.B) {
	for _, c := range grpcContenders(b) {
		b.Run(c.name, func(b *testing.B) {
			run(b, callers, func(ctx context.Context) error {
				n, err := c.unary(ctx)
				if err == nil && n != size {
					return errors.New("short reply")
				}
				return err
			})
		})
	}
}

// BenchmarkGRPCBidi1KB: one bidi stream, one goroutine sending b.N 1 KiB
// messages while another receives the b.N echoes.
func BenchmarkGRPCBidi1KB(b *testing.B) {
	for _, c := range grpcContenders(b) {
		b.Run(c.name, func(b *testing.B) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			send, recv, closeSend, err := c.stream(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(size)
			b.ResetTimer()
			errc := make(chan error, 1)
			go func() {
				for range b.N {
					if err := send(); err != nil {
						errc <- err
						return
					}
				}
				errc <- closeSend()
			}()
			for range b.N {
				if n, err := recv(); err != nil || n != size {
					b.Fatalf("recv: %d bytes, %v", n, err)
				}
			}
			b.StopTimer()
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
			if _, err := recv(); err != io.EOF {
				b.Fatalf("end: %v", err)
			}
		})
	}
}
