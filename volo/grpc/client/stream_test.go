package client_test

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/client"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

var (
	streamingOutputCall = &vgrpc.StreamDesc{
		Name: "StreamingOutputCall", Kind: vgrpc.ServerStreaming,
		NewRequest:  func() proto.Message { return new(testpb.StreamingOutputCallRequest) },
		NewResponse: func() proto.Message { return new(testpb.StreamingOutputCallResponse) },
	}
	streamingInputCall = &vgrpc.StreamDesc{
		Name: "StreamingInputCall", Kind: vgrpc.ClientStreaming,
		NewRequest:  func() proto.Message { return new(testpb.StreamingInputCallRequest) },
		NewResponse: func() proto.Message { return new(testpb.StreamingInputCallResponse) },
	}
	fullDuplexCall = &vgrpc.StreamDesc{
		Name: "FullDuplexCall", Kind: vgrpc.BidiStreaming,
		NewRequest:  func() proto.Message { return new(testpb.StreamingOutputCallRequest) },
		NewResponse: func() proto.Message { return new(testpb.StreamingOutputCallResponse) },
	}
)

type (
	outClient = vgrpc.GenericClientStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]
	inClient  = vgrpc.GenericClientStream[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]
)

func (p *peer) StreamingOutputCall(in *testpb.StreamingOutputCallRequest, s testpb.TestService_StreamingOutputCallServer) error {
	for _, rp := range in.GetResponseParameters() {
		if err := s.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: make([]byte, rp.GetSize())}}); err != nil {
			return err
		}
	}
	return nil
}

func (p *peer) StreamingInputCall(s testpb.TestService_StreamingInputCallServer) error {
	sum := 0
	for {
		m, err := s.Recv()
		if err == io.EOF {
			return s.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: int32(sum)})
		}
		if err != nil {
			return err
		}
		sum += len(m.GetPayload().GetBody())
	}
}

func (p *peer) FullDuplexCall(s testpb.TestService_FullDuplexCallServer) error {
	md, _ := metadata.FromIncomingContext(s.Context())
	if v := md.Get("x-echo"); len(v) > 0 {
		s.SendHeader(metadata.Pairs("x-echo", v[0]))
	}
	if v := md.Get("x-echo-bin"); len(v) > 0 {
		s.SetTrailer(metadata.Pairs("x-echo-bin", v[0]))
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
			return status.Error(codes.Code(st.Code), st.Message)
		}
		for _, rp := range in.GetResponseParameters() {
			if err := s.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: make([]byte, rp.GetSize())}}); err != nil {
				return err
			}
		}
	}
}

func TestServerStreamingToGRPCGo(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	sizes := []int32{31415, 9, 2653, 58979, 3 << 20}
	req := &testpb.StreamingOutputCallRequest{}
	for _, n := range sizes {
		req.ResponseParameters = append(req.ResponseParameters, &testpb.ResponseParameters{Size: n})
	}
	raw, err := c.NewStream(ctxT(t), streamingOutputCall, req)
	if err != nil {
		t.Fatal(err)
	}
	st := &outClient{ClientStream: raw}
	for i, n := range sizes {
		m, err := st.Recv()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if len(m.GetPayload().GetBody()) != int(n) {
			t.Fatalf("message %d: %d bytes", i, len(m.GetPayload().GetBody()))
		}
	}
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

func TestClientStreamingToGRPCGo(t *testing.T) {
	_, addr := startPeer(t, "a")
	for _, comp := range []string{"", "gzip"} {
		c := newClient(t, client.WithAddress(addr), client.WithCompression(comp))
		raw, err := c.NewStream(ctxT(t), streamingInputCall, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := &inClient{ClientStream: raw}
		total := 0
		for _, n := range []int{27182, 8, 1828, 45904, 2 << 20} {
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
			t.Fatalf("%q: server summed %d, want %d", comp, resp.AggregatedPayloadSize, total)
		}
	}
}

func TestBidiToGRPCGo(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	bin := string([]byte{0, 0xff, 1})
	raw, err := c.NewStream(vgrpc.AppendOutgoing(ctxT(t), "x-echo", "hi", "x-echo-bin", bin), fullDuplexCall, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := &outClient{ClientStream: raw}
	hdr, err := st.Header()
	if err != nil || hdr.Get("x-echo") != "hi" {
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
	if st.Trailer().Get("x-echo-bin") != bin {
		t.Errorf("trailer %v", st.Trailer())
	}

	raw, err = c.NewStream(ctxT(t), fullDuplexCall, nil)
	if err != nil {
		t.Fatal(err)
	}
	st = &outClient{ClientStream: raw}
	st.Send(&testpb.StreamingOutputCallRequest{ResponseStatus: &testpb.EchoStatus{Code: 2, Message: "test status message"}})
	_, err = st.Recv()
	var ve *volo.Error
	if !errors.As(err, &ve) || ve.Code() != volo.CodeUnknown || ve.Message() != "test status message" {
		t.Errorf("status: %v", err)
	}

	raw, err = c.NewStream(ctxT(t), fullDuplexCall, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw.CloseSend()
	if err := raw.RecvMsg(new(testpb.StreamingOutputCallResponse)); err != io.EOF {
		t.Errorf("empty stream: %v", err)
	}
}

// Cancelling the context resets the stream: the server's handler sees it,
// and the slot is free again.
func TestStreamCancel(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	for range 3 {
		ctx, cancel := context.WithCancel(ctxT(t))
		raw, err := c.NewStream(ctx, fullDuplexCall, nil)
		if err != nil {
			t.Fatal(err)
		}
		st := &outClient{ClientStream: raw}
		st.Send(&testpb.StreamingOutputCallRequest{ResponseParameters: []*testpb.ResponseParameters{{Size: 10}}})
		if _, err := st.Recv(); err != nil {
			t.Fatal(err)
		}
		cancel()
		if _, err := st.Recv(); volo.CodeOf(err) != volo.CodeCanceled {
			t.Errorf("after cancel: %v (%d)", err, volo.CodeOf(err))
		}
	}
	if err := c.Call(ctxT(t), emptyCall, &testpb.Empty{}, new(testpb.Empty)); err != nil {
		t.Fatal(err)
	}
}

func TestStreamDeadline(t *testing.T) {
	_, addr := startPeer(t, "a")
	c := newClient(t, client.WithAddress(addr))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	raw, err := c.NewStream(ctx, fullDuplexCall, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = raw.RecvMsg(new(testpb.StreamingOutputCallResponse))
	if volo.CodeOf(err) != volo.CodeDeadlineExceeded {
		t.Errorf("got %v", err)
	}
}

func TestNewStreamErrors(t *testing.T) {
	c := newClient(t, client.WithAddress("127.0.0.1:1"))
	if _, err := c.NewStream(ctxT(t), streamingOutputCall, nil); !errors.Is(err, client.ErrInvalidCall) {
		t.Errorf("server-streaming without a request: %v", err)
	}
	if _, err := c.NewStream(ctxT(t), fullDuplexCall, &testpb.Empty{}); !errors.Is(err, client.ErrInvalidCall) {
		t.Errorf("bidi with a request: %v", err)
	}
}
