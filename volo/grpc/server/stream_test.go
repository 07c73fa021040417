package server_test

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/server"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding/gzip"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// streamTestServer is the streaming half of grpc.testing.TestService, in
// the shape generated code gives it.
type streamTestServer interface {
	StreamingOutputCall(*testpb.StreamingOutputCallRequest, vgrpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error
	StreamingInputCall(vgrpc.ClientStreamingServer[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]) error
	FullDuplexCall(vgrpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error
}

type (
	outStream  = vgrpc.GenericServerStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]
	inStream   = vgrpc.GenericServerStream[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]
	streamImpl struct{}
)

var streamServiceDesc = &vgrpc.ServiceDesc{
	Name:        "grpc.testing.TestService",
	HandlerType: (*streamTestServer)(nil),
	Methods:     testServiceDesc.Methods,
	Streams: []*vgrpc.StreamDesc{
		{
			Name: "StreamingOutputCall", Kind: vgrpc.ServerStreaming,
			NewRequest:  func() proto.Message { return new(testpb.StreamingOutputCallRequest) },
			NewResponse: func() proto.Message { return new(testpb.StreamingOutputCallResponse) },
			Handler: func(impl any, stream vgrpc.ServerStream) error {
				s, ok := impl.(streamTestServer)
				if !ok {
					return vgrpc.ErrHandlerMismatch
				}
				in := new(testpb.StreamingOutputCallRequest)
				if err := stream.RecvMsg(in); err != nil {
					return err
				}
				return s.StreamingOutputCall(in, &outStream{ServerStream: stream})
			},
		},
		{
			Name: "StreamingInputCall", Kind: vgrpc.ClientStreaming,
			NewRequest:  func() proto.Message { return new(testpb.StreamingInputCallRequest) },
			NewResponse: func() proto.Message { return new(testpb.StreamingInputCallResponse) },
			Handler: func(impl any, stream vgrpc.ServerStream) error {
				s, ok := impl.(streamTestServer)
				if !ok {
					return vgrpc.ErrHandlerMismatch
				}
				return s.StreamingInputCall(&inStream{ServerStream: stream})
			},
		},
		{
			Name: "FullDuplexCall", Kind: vgrpc.BidiStreaming,
			NewRequest:  func() proto.Message { return new(testpb.StreamingOutputCallRequest) },
			NewResponse: func() proto.Message { return new(testpb.StreamingOutputCallResponse) },
			Handler: func(impl any, stream vgrpc.ServerStream) error {
				s, ok := impl.(streamTestServer)
				if !ok {
					return vgrpc.ErrHandlerMismatch
				}
				return s.FullDuplexCall(&outStream{ServerStream: stream})
			},
		},
	},
}

// fullImpl serves both halves.
type fullImpl struct {
	impl
	streamImpl
}

func (streamImpl) StreamingOutputCall(in *testpb.StreamingOutputCallRequest, out vgrpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	for _, p := range in.GetResponseParameters() {
		if err := out.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: make([]byte, p.GetSize())}}); err != nil {
			return err
		}
	}
	return nil
}

func (streamImpl) StreamingInputCall(in vgrpc.ClientStreamingServer[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]) error {
	sum := 0
	for {
		m, err := in.Recv()
		if err == io.EOF {
			return in.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: int32(sum)})
		}
		if err != nil {
			return err
		}
		sum += len(m.GetPayload().GetBody())
	}
}

func (streamImpl) FullDuplexCall(s vgrpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error {
	md := vgrpc.IncomingMetadata(s.Context())
	if v := md.Get("x-echo"); v != "" {
		if err := s.SendHeader(vgrpc.Pairs("x-echo", v)); err != nil {
			return err
		}
	}
	if v := md.Get("x-echo-bin"); v != "" {
		s.SetTrailer(vgrpc.Pairs("x-echo-bin", v))
	}
	for {
		in, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if st := in.GetResponseStatus(); st != nil && st.Code != 0 {
			return volo.Errorf(volo.Code(st.Code), "%s", st.Message)
		}
		for _, p := range in.GetResponseParameters() {
			if err := s.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: make([]byte, p.GetSize())}}); err != nil {
				return err
			}
		}
	}
}

func startStreams(t *testing.T, opts ...server.Option) testpb.TestServiceClient {
	t.Helper()
	srv, cc, _ := startConnWith(t, streamServiceDesc, fullImpl{impl: impl{started: make(chan struct{}, 1)}}, opts...)
	_ = srv
	return testpb.NewTestServiceClient(cc)
}

func TestServerStreamingFromGRPCGo(t *testing.T) {
	c := startStreams(t)
	sizes := []int32{31415, 9, 2653, 58979, 3 << 20}
	req := &testpb.StreamingOutputCallRequest{}
	for _, n := range sizes {
		req.ResponseParameters = append(req.ResponseParameters, &testpb.ResponseParameters{Size: n})
	}
	st, err := c.StreamingOutputCall(ctxT(t), req)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range sizes {
		m, err := st.Recv()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(m.GetPayload().GetBody()) != int(n) {
			t.Fatalf("message %d: %d bytes, want %d", i, len(m.GetPayload().GetBody()), n)
		}
	}
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("after the last: %v", err)
	}
}

func TestClientStreamingFromGRPCGo(t *testing.T) {
	c := startStreams(t)
	for _, comp := range []bool{false, true} {
		var opts []ggrpc.CallOption
		if comp {
			opts = append(opts, ggrpc.UseCompressor(gzip.Name))
		}
		st, err := c.StreamingInputCall(ctxT(t), opts...)
		if err != nil {
			t.Fatal(err)
		}
		sizes := []int{27182, 8, 1828, 45904, 2 << 20}
		total := 0
		for _, n := range sizes {
			total += n
			if err := st.Send(&testpb.StreamingInputCallRequest{Payload: &testpb.Payload{Body: make([]byte, n)}}); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := st.CloseAndRecv()
		if err != nil {
			t.Fatal(err)
		}
		if int(resp.AggregatedPayloadSize) != total {
			t.Fatalf("gzip %v: server summed %d, want %d", comp, resp.AggregatedPayloadSize, total)
		}
	}
}

func TestBidiFromGRPCGo(t *testing.T) {
	c := startStreams(t)
	bin := string([]byte{0, 0xff, 1})
	ctx := metadata.AppendToOutgoingContext(ctxT(t), "x-echo", "hi", "x-echo-bin", bin)
	st, err := c.FullDuplexCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := st.Header()
	if err != nil || len(hdr.Get("x-echo")) != 1 || hdr.Get("x-echo")[0] != "hi" {
		t.Fatalf("header %v, %v", hdr, err)
	}
	for i, n := range []int32{31415, 9, 2653, 58979} {
		if err := st.Send(&testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{Size: n}}, Payload: &testpb.Payload{Body: make([]byte, n)}}); err != nil {
			t.Fatal(err)
		}
		m, err := st.Recv()
		if err != nil {
			t.Fatalf("ping %d: %v", i, err)
		}
		if len(m.GetPayload().GetBody()) != int(n) {
			t.Fatalf("ping %d: %d bytes", i, len(m.GetPayload().GetBody()))
		}
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
	if got := st.Trailer().Get("x-echo-bin"); len(got) != 1 || got[0] != bin {
		t.Errorf("trailer %v", st.Trailer())
	}

	// A status ends the stream; an empty stream ends with OK.
	st, err = c.FullDuplexCall(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	st.Send(&testpb.StreamingOutputCallRequest{ResponseStatus: &testpb.EchoStatus{Code: 2, Message: "test status message"}})
	if _, err := st.Recv(); status.Code(err) != codes.Unknown || status.Convert(err).Message() != "test status message" {
		t.Errorf("status: %v", err)
	}
	st, err = c.FullDuplexCall(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	st.CloseSend()
	if _, err := st.Recv(); err != io.EOF {
		t.Errorf("empty stream: %v", err)
	}
}

// The client cancels a bidi stream in the middle: the handler's stream
// fails, and the server is fine afterwards.
func TestBidiCancel(t *testing.T) {
	c := startStreams(t)
	ctx, cancel := context.WithCancel(ctxT(t))
	st, err := c.FullDuplexCall(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Send(&testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{Size: 10}}})
	if _, err := st.Recv(); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := st.Recv(); status.Code(err) != codes.Canceled {
		t.Errorf("after cancel: %v", err)
	}
	if _, err := c.EmptyCall(ctxT(t), &testpb.Empty{}); err != nil {
		t.Fatal(err)
	}
}

// A stream middleware wraps call.ServerStream and sees every message.
func TestStreamMiddleware(t *testing.T) {
	var received atomic.Int64
	var ended atomic.Value
	layer := motore.LayerFn(func(next vgrpc.ServerStreamService) vgrpc.ServerStreamService {
		return motore.ServiceFn(func(ctx context.Context, call *vgrpc.Call) (struct{}, error) {
			call.ServerStream = countingStream{call.ServerStream, &received}
			_, err := next.Call(ctx, call)
			ended.Store(call.FullMethod())
			return struct{}{}, err
		})
	})
	c := startStreams(t, server.WithStreamMiddleware(layer))
	st, err := c.StreamingInputCall(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		st.Send(&testpb.StreamingInputCallRequest{Payload: &testpb.Payload{Body: []byte("x")}})
	}
	if _, err := st.CloseAndRecv(); err != nil {
		t.Fatal(err)
	}
	if received.Load() != 5 || ended.Load() != "/grpc.testing.TestService/StreamingInputCall" {
		t.Errorf("received %d, ended %v", received.Load(), ended.Load())
	}
}

type countingStream struct {
	vgrpc.ServerStream
	n *atomic.Int64
}

func (s countingStream) RecvMsg(m proto.Message) error {
	err := s.ServerStream.RecvMsg(m)
	if err == nil {
		s.n.Add(1)
	}
	return err
}

func TestStreamMessageTooLarge(t *testing.T) {
	c := startStreams(t, server.WithMaxRecvMsgSize(1<<10))
	st, err := c.StreamingInputCall(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	st.Send(&testpb.StreamingInputCallRequest{Payload: &testpb.Payload{Body: make([]byte, 4<<10)}})
	if _, err := st.CloseAndRecv(); status.Code(err) != codes.ResourceExhausted {
		t.Errorf("got %v", err)
	}
	_ = errors.New
}

// Shutdown with a stream open: past its deadline the stream ends with
// unavailable (after the headers it sent) and Shutdown returns the
// deadline's error; a stream that ends in time lets it return nil.
func TestShutdownWithOpenStream(t *testing.T) {
	srv, cc, _ := startConnWith(t, streamServiceDesc, fullImpl{impl: impl{started: make(chan struct{}, 1)}}, server.WithLogger(discardLogger()))
	c := testpb.NewTestServiceClient(cc)
	st, err := c.FullDuplexCall(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	st.Send(&testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{Size: 5}}})
	if _, err := st.Recv(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Shutdown: %v", err)
	}
	if _, err := st.Recv(); status.Code(err) != codes.Unavailable {
		t.Errorf("open stream: %v", err)
	}
}

func TestShutdownWaitsForStream(t *testing.T) {
	srv, cc, _ := startConnWith(t, streamServiceDesc, fullImpl{impl: impl{started: make(chan struct{}, 1)}})
	c := testpb.NewTestServiceClient(cc)
	st, err := c.FullDuplexCall(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	st.Send(&testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{Size: 5}}})
	if _, err := st.Recv(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(ctxT(t)) }()
	// The stream still works while the server drains, then ends.
	time.Sleep(50 * time.Millisecond)
	st.Send(&testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{Size: 7}}})
	if m, err := st.Recv(); err != nil || len(m.GetPayload().GetBody()) != 7 {
		t.Fatalf("while draining: %v", err)
	}
	st.CloseSend()
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}
