package client_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/client"
	"go.uber.org/goleak"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/encoding/gzip" // the server reads gzip
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Descriptors of grpc.testing.TestService's unary methods, as generated
// code declares them for a client.
var (
	emptyCall = &vgrpc.MethodDesc{
		Name:        "EmptyCall",
		NewRequest:  func() proto.Message { return new(testpb.Empty) },
		NewResponse: func() proto.Message { return new(testpb.Empty) },
	}
	unaryCall = &vgrpc.MethodDesc{
		Name:        "UnaryCall",
		NewRequest:  func() proto.Message { return new(testpb.SimpleRequest) },
		NewResponse: func() proto.Message { return new(testpb.SimpleResponse) },
	}
)

const service = "grpc.testing.TestService"

// peer is a grpc-go TestService with hooks the tests drive through
// metadata.
type peer struct {
	testpb.UnimplementedTestServiceServer
	name  string
	calls atomic.Int64
}

func (p *peer) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	p.calls.Add(1)
	return new(testpb.Empty), nil
}

func (p *peer) UnaryCall(ctx context.Context, in *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	p.calls.Add(1)
	md, _ := metadata.FromIncomingContext(ctx)
	if v := md.Get("x-echo"); len(v) > 0 {
		ggrpc.SetHeader(ctx, metadata.Pairs("x-echo", v[0]))
	}
	if v := md.Get("x-echo-bin"); len(v) > 0 {
		ggrpc.SetTrailer(ctx, metadata.Pairs("x-echo-bin", v[0]))
	}
	out := &testpb.SimpleResponse{Payload: &testpb.Payload{Body: bytes.Repeat([]byte{'v'}, int(in.GetResponseSize()))}, Hostname: p.name}
	switch first(md, "x-mode") {
	case "deadline":
		dl, ok := ctx.Deadline()
		if !ok {
			return nil, status.Error(codes.InvalidArgument, "no deadline")
		}
		out.Username = time.Until(dl).Round(time.Second).String()
	case "block":
		<-ctx.Done()
		return nil, status.FromContextError(ctx.Err()).Err()
	case "metainfo":
		out.Username = first(md, "rpc-persist-tenant") + "/" + first(md, "rpc-transit-hop")
		ggrpc.SetHeader(ctx, metadata.Pairs("rpc-backward-served-by", p.name))
	case "details":
		st, err := status.New(codes.FailedPrecondition, "not now").WithDetails(&testpb.SimpleResponse{Username: "why"})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	}
	if st := in.GetResponseStatus(); st != nil && st.Code != 0 {
		return nil, status.Error(codes.Code(st.Code), st.Message)
	}
	return out, nil
}

func first(md metadata.MD, k string) string {
	if v := md.Get(k); len(v) > 0 {
		return v[0]
	}
	return ""
}

// startPeer serves a grpc-go TestService on loopback.
func startPeer(t *testing.T, name string) (*peer, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{name: name}
	gs := ggrpc.NewServer()
	testpb.RegisterTestServiceServer(gs, p)
	done := make(chan struct{})
	go func() { defer close(done); gs.Serve(ln) }()
	t.Cleanup(func() { gs.Stop(); <-done })
	return p, ln.Addr().String()
}

func newClient(t *testing.T, opts ...client.Option) *client.Client {
	t.Helper()
	c, err := client.New(service, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestUnaryToGRPCGo(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	ctx := ctxT(t)
	if err := c.Call(ctx, emptyCall, &testpb.Empty{}, new(testpb.Empty)); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int32{0, 1, 1 << 10, 300 << 10, 3 << 20} {
		resp := new(testpb.SimpleResponse)
		req := &testpb.SimpleRequest{ResponseSize: size, Payload: &testpb.Payload{Body: make([]byte, size)}}
		if err := c.Call(ctx, unaryCall, req, resp); err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		if len(resp.GetPayload().GetBody()) != int(size) {
			t.Fatalf("size %d: got %d bytes", size, len(resp.GetPayload().GetBody()))
		}
	}
}

func TestGzip(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr), client.WithCompression("gzip"))
	resp := new(testpb.SimpleResponse)
	req := &testpb.SimpleRequest{ResponseSize: 1 << 16, Payload: &testpb.Payload{Body: make([]byte, 1<<16)}}
	if err := c.Call(ctxT(t), unaryCall, req, resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.GetPayload().GetBody()) != 1<<16 {
		t.Fatalf("got %d bytes", len(resp.GetPayload().GetBody()))
	}
}

func TestMetadata(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	bin := string([]byte{0, 1, 0xfe, 0xff, 'x'})
	ctx := vgrpc.AppendOutgoing(ctxT(t), "x-echo", "hello", "x-echo-bin", bin)
	var hdr, trl vgrpc.Metadata
	if err := c.Call(ctx, unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse), client.ReceiveHeader(&hdr), client.ReceiveTrailer(&trl)); err != nil {
		t.Fatal(err)
	}
	if hdr.Get("x-echo") != "hello" || trl.Get("x-echo-bin") != bin {
		t.Errorf("header %v trailer %v", hdr, trl)
	}
	bad := vgrpc.AppendOutgoing(ctxT(t), "x-bad", "line\nbreak")
	if err := c.Call(bad, emptyCall, &testpb.Empty{}, new(testpb.Empty)); !errors.Is(err, vgrpc.ErrInvalidMetadata) {
		t.Errorf("invalid metadata: %v", err)
	}
}

func TestStatus(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	ctx := ctxT(t)
	msg := "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
	err := c.Call(ctx, unaryCall, &testpb.SimpleRequest{ResponseStatus: &testpb.EchoStatus{Code: 2, Message: msg}}, new(testpb.SimpleResponse))
	var ve *volo.Error
	if !errors.As(err, &ve) || ve.Code() != volo.CodeUnknown || ve.Message() != msg || !ve.Remote() {
		t.Errorf("got %v", err)
	}
	err = c.Call(vgrpc.AppendOutgoing(ctx, "x-mode", "details"), unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse))
	if volo.CodeOf(err) != volo.CodeFailedPrecondition {
		t.Fatalf("got %v", err)
	}
	ds := vgrpc.DetailsOf(err)
	if len(ds) != 1 {
		t.Fatalf("details %v", ds)
	}
	var why testpb.SimpleResponse
	if err := ds[0].UnmarshalTo(&why); err != nil || why.Username != "why" {
		t.Errorf("detail %v %v", &why, err)
	}
	err = c.Call(ctx, &vgrpc.MethodDesc{Name: "NoSuch"}, &testpb.Empty{}, new(testpb.Empty))
	if volo.CodeOf(err) != volo.CodeUnimplemented {
		t.Errorf("unknown method: %v", err)
	}
}

func TestTimeouts(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	ctx, cancel := context.WithTimeout(vgrpc.AppendOutgoing(context.Background(), "x-mode", "deadline"), 7*time.Second)
	defer cancel()
	resp := new(testpb.SimpleResponse)
	if err := c.Call(ctx, unaryCall, &testpb.SimpleRequest{}, resp); err != nil {
		t.Fatal(err)
	}
	if resp.Username != "7s" {
		t.Errorf("server saw a deadline %s away", resp.Username)
	}
	short, cancel2 := context.WithTimeout(vgrpc.AppendOutgoing(context.Background(), "x-mode", "block"), 50*time.Millisecond)
	defer cancel2()
	// The server's timer may fire first: its deadline_exceeded status is
	// the answer then.
	if err := c.Call(short, unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse)); volo.CodeOf(err) != volo.CodeDeadlineExceeded {
		t.Errorf("blocked call: %v", err)
	}

	// WithRPCTimeout is sent; the read-write timeout is not.
	rpc := newClient(t, client.WithAddress(addr), client.WithRPCTimeout(5*time.Second))
	resp.Reset()
	if err := rpc.Call(vgrpc.AppendOutgoing(ctxT(t), "x-mode", "deadline"), unaryCall, &testpb.SimpleRequest{}, resp); err != nil || resp.Username != "5s" {
		t.Errorf("WithRPCTimeout: server saw %q, %v", resp.Username, err)
	}
	rw := newClient(t, client.WithAddress(addr), client.WithReadWriteTimeout(50*time.Millisecond))
	err := rw.Call(vgrpc.AppendOutgoing(context.Background(), "x-mode", "deadline"), unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse))
	if volo.CodeOf(err) != volo.CodeInvalidArgument {
		t.Errorf("WithReadWriteTimeout sent a deadline: %v", err)
	}
	if err := rw.Call(vgrpc.AppendOutgoing(context.Background(), "x-mode", "block"), unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse)); !errors.Is(err, volo.ErrTimeout) {
		t.Errorf("WithReadWriteTimeout did not bound the call: %v", err)
	}
}

func TestMetainfo(t *testing.T) {
	_, addr := startPeer(t, "srv")
	c := newClient(t, client.WithAddress(addr))
	ctx := metainfo.WithPersistentValue(ctxT(t), "TENANT", "acme")
	ctx = metainfo.WithValue(ctx, "HOP", "one")
	ctx = metainfo.WithBackwardValues(vgrpc.AppendOutgoing(ctx, "x-mode", "metainfo"))
	resp := new(testpb.SimpleResponse)
	if err := c.Call(ctx, unaryCall, &testpb.SimpleRequest{}, resp); err != nil {
		t.Fatal(err)
	}
	if resp.Username != "acme/one" {
		t.Errorf("server read %q", resp.Username)
	}
	if v, ok := metainfo.RecvBackwardValue(ctx, "SERVED_BY"); !ok || v != "srv" {
		t.Errorf("backward SERVED_BY = %q, %v", v, ok)
	}
}

func TestConnectionErrors(t *testing.T) {
	c := newClient(t)
	if err := c.Call(ctxT(t), emptyCall, &testpb.Empty{}, new(testpb.Empty)); !errors.Is(err, volo.ErrNoAddress) {
		t.Errorf("no address: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	err = c.Call(ctxT(t), emptyCall, &testpb.Empty{}, new(testpb.Empty), client.WithHostPort(dead))
	if !errors.Is(err, volo.ErrConnection) || !discovery.IsConnectionError(err) {
		t.Errorf("refused: %v", err)
	}
	if err := c.Call(ctxT(t), nil, &testpb.Empty{}, new(testpb.Empty)); !errors.Is(err, client.ErrInvalidCall) {
		t.Errorf("nil method: %v", err)
	}
	c.Close()
	if err := c.Call(ctxT(t), emptyCall, &testpb.Empty{}, new(testpb.Empty), client.WithHostPort(dead)); !errors.Is(err, volo.ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}

// The balancer spreads calls over two grpc-go servers and sends a call
// whose instance refuses connections to the other.
func TestBalancer(t *testing.T) {
	pa, a := startPeer(t, "a")
	pb, b := startPeer(t, "b")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	bal, err := discovery.NewBalancer(ctxT(t), discovery.NewStatic(discovery.Instance{Addr: a}, discovery.Instance{Addr: b}, discovery.Instance{Addr: dead}),
		service, discovery.WithPolicy(discovery.RoundRobin()), discovery.WithRetries(2))
	if err != nil {
		t.Fatal(err)
	}
	defer bal.Close()
	c := newClient(t, client.WithBalancer(bal))
	for i := range 30 {
		if err := c.Call(ctxT(t), emptyCall, &testpb.Empty{}, new(testpb.Empty)); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if pa.calls.Load() < 10 || pb.calls.Load() < 10 || pa.calls.Load()+pb.calls.Load() != 30 {
		t.Errorf("calls: a %d, b %d", pa.calls.Load(), pb.calls.Load())
	}
}

// Concurrent callers share the pool's connections.
func TestConcurrentCalls(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr), client.WithConnsPerAddr(4))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				resp := new(testpb.SimpleResponse)
				if err := c.Call(ctxT(t), unaryCall, &testpb.SimpleRequest{ResponseSize: 1024, Payload: &testpb.Payload{Body: make([]byte, 1024)}}, resp); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// With the server's MAX_CONCURRENT_STREAMS at 1 and one connection, a
// second call waits for the first's stream instead of failing.
func TestWaitsForAStreamSlot(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := ggrpc.NewServer(ggrpc.MaxConcurrentStreams(1))
	testpb.RegisterTestServiceServer(gs, &peer{name: "one"})
	done := make(chan struct{})
	go func() { defer close(done); gs.Serve(ln) }()
	defer func() { gs.Stop(); <-done }()
	c := newClient(t, client.WithAddress(ln.Addr().String()), client.WithConnsPerAddr(1))
	if err := c.Call(ctxT(t), emptyCall, &testpb.Empty{}, new(testpb.Empty)); err != nil {
		t.Fatal(err) // the connection and its SETTINGS are in
	}
	blocked, cancel := context.WithTimeout(vgrpc.AppendOutgoing(context.Background(), "x-mode", "block"), 300*time.Millisecond)
	defer cancel()
	first := make(chan error, 1)
	go func() { first <- c.Call(blocked, unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse)) }()
	time.Sleep(50 * time.Millisecond)
	if err := c.Call(ctxT(t), emptyCall, &testpb.Empty{}, new(testpb.Empty)); err != nil {
		t.Errorf("second call: %v", err)
	}
	if err := <-first; volo.CodeOf(err) != volo.CodeDeadlineExceeded {
		t.Errorf("first call: %v", err)
	}
}
