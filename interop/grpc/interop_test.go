package grpc_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	testsvc "github.com/govolo/volo/interop/grpc/gen/grpc/testing"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc/client"
	"github.com/govolo/volo/volo/grpc/server"
	"go.uber.org/goleak"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	_ "google.golang.org/grpc/encoding/gzip" // both peers read and write gzip
	"google.golang.org/grpc/interop"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// cases are grpc-go's interop client cases (its DoXxx functions) that need no cloud
// credentials, as its interop client names them. A failing case ends the
// test binary (grpc-go's cases call log.Fatal) with its message.
var cases = []struct {
	name string
	run  func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption)
}{
	{"empty_unary", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoEmptyUnaryCall(ctx, tc, opts...)
	}},
	{"large_unary", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoLargeUnaryCall(ctx, tc, opts...)
	}},
	{"client_streaming", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoClientStreaming(ctx, tc, opts...)
	}},
	{"server_streaming", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoServerStreaming(ctx, tc, opts...)
	}},
	{"ping_pong", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoPingPong(ctx, tc, opts...)
	}},
	{"empty_stream", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoEmptyStream(ctx, tc, opts...)
	}},
	{"timeout_on_sleeping_server", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoTimeoutOnSleepingServer(ctx, tc, opts...)
	}},
	{"cancel_after_begin", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoCancelAfterBegin(ctx, tc, opts...)
	}},
	{"cancel_after_first_response", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoCancelAfterFirstResponse(ctx, tc, opts...)
	}},
	{"status_code_and_message", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoStatusCodeAndMessage(ctx, tc, opts...)
	}},
	{"special_status_message", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoSpecialStatusMessage(ctx, tc, opts...)
	}},
	{"custom_metadata", func(ctx context.Context, tc testpb.TestServiceClient, opts ...ggrpc.CallOption) {
		interop.DoCustomMetadata(ctx, tc, opts...)
	}},
}

func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// grpc-go's interop client against volo's server: the twelve cases over
// TestService, and the two unimplemented ones.
func TestGRPCGoClientAgainstVoloServer(t *testing.T) {
	for _, comp := range []string{"", "gzip"} {
		srv, err := server.New(server.WithCompression(comp))
		if err != nil {
			t.Fatal(err)
		}
		if err := testsvc.RegisterTestService(srv, testServer{}); err != nil {
			t.Fatal(err)
		}
		ln := listen(t)
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		cc, err := ggrpc.NewClient(ln.Addr().String(), ggrpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		tc := testpb.NewTestServiceClient(cc)
		var opts []ggrpc.CallOption
		if comp != "" {
			// Requests compressed too, not only the server's responses.
			opts = append(opts, ggrpc.UseCompressor(comp))
		}
		for _, c := range cases {
			t.Run(c.name+"/"+comp, func(t *testing.T) { c.run(ctxT(t), tc, opts...) })
		}
		t.Run("unimplemented_method/"+comp, func(t *testing.T) { interop.DoUnimplementedMethod(ctxT(t), cc) })
		t.Run("unimplemented_service/"+comp, func(t *testing.T) {
			interop.DoUnimplementedService(ctxT(t), testpb.NewUnimplementedServiceClient(cc))
		})
		cc.Close()
		if err := srv.Shutdown(ctxT(t)); err != nil {
			t.Fatal(err)
		}
		if err := <-served; !errors.Is(err, volo.ErrServerClosed) {
			t.Fatalf("Serve: %v", err)
		}
	}
}

// volo's client against grpc-go's interop server, through the same cases.
func TestVoloClientAgainstGRPCGoServer(t *testing.T) {
	ln := listen(t)
	gs := ggrpc.NewServer()
	testpb.RegisterTestServiceServer(gs, interop.NewTestServer())
	done := make(chan struct{})
	go func() { defer close(done); gs.Serve(ln) }()
	defer func() { gs.Stop(); <-done }()
	for _, comp := range []string{"", "gzip"} {
		c, err := client.New("grpc.testing.TestService", client.WithAddress(ln.Addr().String()), client.WithCompression(comp))
		if err != nil {
			t.Fatal(err)
		}
		tc := voloTestClient{c}
		for _, cs := range cases {
			t.Run(cs.name+"/"+comp, func(t *testing.T) { cs.run(ctxT(t), tc) })
		}
		t.Run("unimplemented_method/"+comp, func(t *testing.T) {
			// grpc-go's case takes its own ClientConn; this is its check
			// with volo's client.
			err := c.Call(ctxT(t), testsvc.TestServiceUnimplementedCallMethod, &testpb.Empty{}, new(testpb.Empty))
			if status.Code(toStatus(err)) != codes.Unimplemented {
				t.Fatalf("got %v", err)
			}
		})
		uc, err := client.New("grpc.testing.UnimplementedService", client.WithAddress(ln.Addr().String()))
		if err != nil {
			t.Fatal(err)
		}
		t.Run("unimplemented_service/"+comp, func(t *testing.T) { interop.DoUnimplementedService(ctxT(t), voloUnimplementedClient{uc}) })
		uc.Close()
		c.Close()
	}
}
