package server_test

import (
	"context"
	"testing"

	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/govolo/volo/volo/grpc/server"
)

// One connection holds no more unary request bytes than
// WithMaxConnRequestBytes: with three 60 KiB requests waiting on their
// handlers, a fourth is refused with resource exhausted, and once the
// three are answered their bytes are free again.
func TestConnRequestBytesBound(t *testing.T) {
	h := impl{started: make(chan struct{}, 4)}
	_, cc, _ := startConnWith(t, testServiceDesc, h,
		server.WithMaxRecvMsgSize(64<<10), server.WithMaxConnRequestBytes(200<<10))
	c := testpb.NewTestServiceClient(cc)
	body := &testpb.SimpleRequest{Payload: &testpb.Payload{Body: make([]byte, 60<<10)}}

	ctx, cancel := context.WithCancel(ctxT(t))
	blocked := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := c.UnaryCall(metadata.AppendToOutgoingContext(ctx, "x-mode", "block"), body)
			blocked <- err
		}()
	}
	for range 3 {
		<-h.started
	}
	_, err := c.UnaryCall(ctxT(t), body)
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("a request past the bound: got %v, want resource exhausted", err)
	}
	cancel()
	for range 3 {
		if err := <-blocked; status.Code(err) != codes.Canceled {
			t.Errorf("a blocked call: got %v, want canceled", err)
		}
	}
	// The handlers are done: their bytes no longer count. The server
	// frees a request's bytes after its answer is written, which the
	// client may read first; a few calls give it the time.
	for i := 0; ; i++ {
		_, err := c.UnaryCall(ctxT(t), body)
		if err == nil {
			break
		}
		if status.Code(err) != codes.ResourceExhausted || i == 100 {
			t.Fatalf("after the blocked calls ended: %v", err)
		}
	}
}
