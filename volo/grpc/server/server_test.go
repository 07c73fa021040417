package server_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/server"
	"go.uber.org/goleak"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/encoding/gzip"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// unaryTestServer is the unary half of grpc.testing.TestService, declared
// here as generated code declares a service's interface.
type unaryTestServer interface {
	EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error)
	UnaryCall(context.Context, *testpb.SimpleRequest) (*testpb.SimpleResponse, error)
}

// testServiceDesc describes grpc.testing.TestService's unary methods, as
// generated code will.
var testServiceDesc = &vgrpc.ServiceDesc{
	Name:        "grpc.testing.TestService",
	HandlerType: (*unaryTestServer)(nil),
	Methods: []*vgrpc.MethodDesc{
		{
			Name:        "EmptyCall",
			NewRequest:  func() proto.Message { return new(testpb.Empty) },
			NewResponse: func() proto.Message { return new(testpb.Empty) },
			Handler: func(ctx context.Context, impl any, req proto.Message) (proto.Message, error) {
				s, ok1 := impl.(unaryTestServer)
				r, ok2 := req.(*testpb.Empty)
				if !ok1 || !ok2 {
					return nil, vgrpc.ErrHandlerMismatch
				}
				return s.EmptyCall(ctx, r)
			},
		},
		{
			Name:        "UnaryCall",
			NewRequest:  func() proto.Message { return new(testpb.SimpleRequest) },
			NewResponse: func() proto.Message { return new(testpb.SimpleResponse) },
			Handler: func(ctx context.Context, impl any, req proto.Message) (proto.Message, error) {
				s, ok1 := impl.(unaryTestServer)
				r, ok2 := req.(*testpb.SimpleRequest)
				if !ok1 || !ok2 {
					return nil, vgrpc.ErrHandlerMismatch
				}
				return s.UnaryCall(ctx, r)
			},
		},
	},
}

// impl answers UnaryCall the way grpc-go's interop server does, plus a few
// hooks the tests drive through metadata.
type impl struct {
	started chan struct{} // closed-or-sent when a "block" call begins
}

func (impl) EmptyCall(ctx context.Context, _ *testpb.Empty) (*testpb.Empty, error) {
	return new(testpb.Empty), nil
}

func (s impl) UnaryCall(ctx context.Context, in *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	md := vgrpc.IncomingMetadata(ctx)
	if v := md.Get("x-echo"); v != "" {
		if err := vgrpc.SetHeader(ctx, vgrpc.Pairs("x-echo", v)); err != nil {
			return nil, err
		}
	}
	if v := md.Get("x-echo-bin"); v != "" {
		if err := vgrpc.SetTrailer(ctx, vgrpc.Pairs("x-echo-bin", v)); err != nil {
			return nil, err
		}
	}
	switch md.Get("x-mode") {
	case "panic":
		panic("boom")
	case "deadline":
		dl, ok := ctx.Deadline()
		if !ok {
			return nil, volo.Errorf(volo.CodeInvalidArgument, "no deadline")
		}
		return &testpb.SimpleResponse{Username: time.Until(dl).Round(time.Second).String()}, nil
	case "block":
		s.started <- struct{}{}
		<-ctx.Done()
		return nil, context.Cause(ctx)
	case "metainfo":
		// Header names map to metainfo's keys as Kitex maps them:
		// rpc-persist-tenant is TENANT.
		v, _ := metainfo.GetPersistentValue(ctx, "TENANT")
		w, _ := metainfo.GetValue(ctx, "HOP")
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "volo")
		return &testpb.SimpleResponse{Username: v + "/" + w}, nil
	case "details":
		d, err := vgrpc.NewDetail(&testpb.SimpleResponse{Username: "why"})
		if err != nil {
			return nil, err
		}
		return nil, vgrpc.WithDetails(volo.Errorf(volo.CodeFailedPrecondition, "not now"), d)
	}
	if st := in.GetResponseStatus(); st != nil && st.Code != 0 {
		return nil, volo.Errorf(volo.Code(st.Code), "%s", st.Message)
	}
	return &testpb.SimpleResponse{Payload: &testpb.Payload{Body: make([]byte, in.GetResponseSize())}}, nil
}

// start serves impl on a loopback listener and returns a grpc-go client
// connected to it.
func start(t *testing.T, opts ...server.Option) (*server.Server, testpb.TestServiceClient, impl) {
	srv, cc, h := startConn(t, opts...)
	c := testpb.NewTestServiceClient(cc)
	addrMu.Lock()
	addrOf[c] = cc.Target()
	addrMu.Unlock()
	return srv, c, h
}

// addrOf records the server address of each test client.
var (
	addrMu sync.Mutex
	addrOf = map[testpb.TestServiceClient]string{}
)

func startConn(t *testing.T, opts ...server.Option) (*server.Server, *ggrpc.ClientConn, impl) {
	h := impl{started: make(chan struct{}, 1)}
	srv, cc, _ := startConnWith(t, testServiceDesc, h, opts...)
	return srv, cc, h
}

func startConnWith(t *testing.T, desc *vgrpc.ServiceDesc, h any, opts ...server.Option) (*server.Server, *ggrpc.ClientConn, any) {
	t.Helper()
	srv, err := server.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterService(desc, h); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	cc, err := ggrpc.NewClient(ln.Addr().String(), ggrpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cc.Close()
		srv.Close()
		if err := <-served; !errors.Is(err, volo.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	})
	return srv, cc, h
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestUnaryFromGRPCGo(t *testing.T) {
	_, c, _ := start(t)
	ctx := ctxT(t)
	if _, err := c.EmptyCall(ctx, &testpb.Empty{}); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int32{0, 1, 1 << 10, 300 << 10, 3 << 20} {
		resp, err := c.UnaryCall(ctx, &testpb.SimpleRequest{ResponseSize: size, Payload: &testpb.Payload{Body: make([]byte, size)}})
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if got := len(resp.GetPayload().GetBody()); got != int(size) {
			t.Fatalf("size %d: got %d bytes", size, got)
		}
	}
}

func TestGzipBothWays(t *testing.T) {
	_, c, _ := start(t, server.WithCompression("gzip"))
	resp, err := c.UnaryCall(ctxT(t), &testpb.SimpleRequest{ResponseSize: 64 << 10, Payload: &testpb.Payload{Body: bytes.Repeat([]byte("a"), 64<<10)}},
		ggrpc.UseCompressor(gzip.Name))
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.GetPayload().GetBody()) != 64<<10 {
		t.Fatalf("got %d bytes", len(resp.GetPayload().GetBody()))
	}
}

func TestMetadataHeaderAndTrailer(t *testing.T) {
	_, c, _ := start(t)
	bin := string([]byte{0, 1, 2, 0xff, 'x'})
	ctx := metadata.AppendToOutgoingContext(ctxT(t), "x-echo", "hello", "x-echo-bin", bin)
	var hdr, trl metadata.MD
	if _, err := c.UnaryCall(ctx, &testpb.SimpleRequest{}, ggrpc.Header(&hdr), ggrpc.Trailer(&trl)); err != nil {
		t.Fatal(err)
	}
	if got := hdr.Get("x-echo"); len(got) != 1 || got[0] != "hello" {
		t.Errorf("header x-echo = %q", got)
	}
	if got := trl.Get("x-echo-bin"); len(got) != 1 || got[0] != bin {
		t.Errorf("trailer x-echo-bin = %q, want %q", got, bin)
	}
}

func TestStatusCodeMessageAndDetails(t *testing.T) {
	_, c, _ := start(t)
	ctx := ctxT(t)
	msg := "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
	_, err := c.UnaryCall(ctx, &testpb.SimpleRequest{ResponseStatus: &testpb.EchoStatus{Code: 2, Message: msg}})
	if st := status.Convert(err); st.Code() != codes.Unknown || st.Message() != msg {
		t.Errorf("got %v %q", st.Code(), st.Message())
	}
	_, err = c.UnaryCall(metadata.AppendToOutgoingContext(ctx, "x-mode", "details"), &testpb.SimpleRequest{})
	st := status.Convert(err)
	if st.Code() != codes.FailedPrecondition || st.Message() != "not now" {
		t.Fatalf("got %v %q", st.Code(), st.Message())
	}
	ds := st.Details()
	if len(ds) != 1 {
		t.Fatalf("details %v", ds)
	}
	if r, ok := ds[0].(*testpb.SimpleResponse); !ok || r.Username != "why" {
		t.Errorf("detail %v", ds[0])
	}
}

func TestTimeoutReachesHandler(t *testing.T) {
	_, c, _ := start(t)
	ctx, cancel := context.WithTimeout(metadata.AppendToOutgoingContext(context.Background(), "x-mode", "deadline"), 7*time.Second)
	defer cancel()
	resp, err := c.UnaryCall(ctx, &testpb.SimpleRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Username != "7s" {
		t.Errorf("handler saw a deadline %s away", resp.Username)
	}
	ctx2, cancel2 := context.WithTimeout(metadata.AppendToOutgoingContext(context.Background(), "x-mode", "block"), 50*time.Millisecond)
	defer cancel2()
	if _, err := c.UnaryCall(ctx2, &testpb.SimpleRequest{}); status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("blocked call: %v", err)
	}
}

func TestUnknownServiceAndMethod(t *testing.T) {
	_, cc, _ := startConn(t)
	ctx := ctxT(t)
	err := cc.Invoke(ctx, "/grpc.testing.TestService/NoSuchMethod", &testpb.Empty{}, &testpb.Empty{})
	if st := status.Convert(err); st.Code() != codes.Unimplemented || !strings.Contains(st.Message(), "NoSuchMethod") {
		t.Errorf("unknown method: %v", err)
	}
	_, err = testpb.NewUnimplementedServiceClient(cc).UnimplementedCall(ctx, &testpb.Empty{})
	if st := status.Convert(err); st.Code() != codes.Unimplemented || !strings.Contains(st.Message(), "grpc.testing.UnimplementedService") {
		t.Errorf("unknown service: %v", err)
	}
}

func TestPanicIsInternal(t *testing.T) {
	_, c, _ := start(t, server.WithLogger(discardLogger()))
	_, err := c.UnaryCall(metadata.AppendToOutgoingContext(ctxT(t), "x-mode", "panic"), &testpb.SimpleRequest{})
	if st := status.Convert(err); st.Code() != codes.Internal || strings.Contains(st.Message(), "boom") {
		t.Errorf("got %v %q", st.Code(), st.Message())
	}
}

func TestMessageTooLarge(t *testing.T) {
	_, c, _ := start(t, server.WithMaxRecvMsgSize(1<<10))
	_, err := c.UnaryCall(ctxT(t), &testpb.SimpleRequest{Payload: &testpb.Payload{Body: make([]byte, 2<<10)}})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("got %v", err)
	}
}

func TestMetainfoHeaders(t *testing.T) {
	_, c, _ := start(t)
	ctx := metadata.AppendToOutgoingContext(ctxT(t), "x-mode", "metainfo", "rpc-persist-tenant", "acme", "rpc-transit-hop", "one")
	var hdr, trl metadata.MD
	resp, err := c.UnaryCall(ctx, &testpb.SimpleRequest{}, ggrpc.Header(&hdr), ggrpc.Trailer(&trl))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Username != "acme/one" {
		t.Errorf("handler read %q", resp.Username)
	}
	if got := append(hdr.Get("rpc-backward-served-by"), trl.Get("rpc-backward-served-by")...); len(got) != 1 || got[0] != "volo" {
		t.Errorf("rpc-backward-served-by = %q (header %v trailer %v)", got, hdr, trl)
	}
}

func TestShutdownWithDeadline(t *testing.T) {
	srv, c, h := start(t, server.WithLogger(discardLogger()))
	errc := make(chan error, 1)
	go func() {
		_, err := c.UnaryCall(metadata.AppendToOutgoingContext(context.Background(), "x-mode", "block"), &testpb.SimpleRequest{})
		errc <- err
	}()
	<-h.started
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-errc; status.Code(err) != codes.Unavailable {
		t.Errorf("call in flight: %v", err)
	}
}

func TestShutdownWaitsForCalls(t *testing.T) {
	srv, c, _ := start(t)
	if _, err := c.EmptyCall(ctxT(t), &testpb.Empty{}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Shutdown(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EmptyCall(ctxT(t), &testpb.Empty{}, ggrpc.WaitForReady(false)); status.Code(err) != codes.Unavailable {
		t.Errorf("after shutdown: %v", err)
	}
}

func TestRegisterServiceErrors(t *testing.T) {
	srv, err := server.New()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if err := srv.RegisterService(nil, impl{}); !errors.Is(err, server.ErrInvalidService) {
		t.Errorf("nil desc: %v", err)
	}
	if err := srv.RegisterService(testServiceDesc, struct{}{}); !errors.Is(err, server.ErrImplementation) {
		t.Errorf("wrong impl: %v", err)
	}
	if err := srv.RegisterService(testServiceDesc, impl{}); err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterService(testServiceDesc, impl{}); !errors.Is(err, server.ErrDuplicateService) {
		t.Errorf("twice: %v", err)
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
