package client_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"

	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/protobuf/proto"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc/client"
)

// startRaw serves h over h2c on loopback with net/http's HTTP/2 server, a
// peer that answers whatever a test writes, valid gRPC or not.
func startRaw(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var p http.Protocols
	p.SetUnencryptedHTTP2(true)
	srv := &http.Server{Handler: h, Protocols: &p}
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	t.Cleanup(func() { srv.Close(); <-done })
	return ln.Addr().String()
}

// frame is m with gRPC's 5-byte prefix.
func frame(t *testing.T, m proto.Message) []byte {
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte{0, byte(len(b) >> 24), byte(len(b) >> 16), byte(len(b) >> 8), byte(len(b))}, b...)
}

// respond writes the headers (x-h: 1), n response messages and then, if
// status is not empty, trailers with it.
func respond(t *testing.T, n int, status string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/grpc")
		w.Header().Set("X-H", "1")
		w.WriteHeader(200)
		for range n {
			_, _ = w.Write(frame(t, &testpb.SimpleResponse{Username: "u"}))
		}
		if status != "" {
			w.Header().Set(http.TrailerPrefix+"Grpc-Status", status)
			w.Header().Set(http.TrailerPrefix+"Grpc-Message", "m")
		}
	}
}

// A unary or client-streaming call answered with no message or two is a
// cardinality violation, which gRPC's status code list makes
// UNIMPLEMENTED.
func TestResponseCardinality(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
	}{{"no response", 0}, {"two responses", 2}} {
		t.Run("unary/"+tc.name, func(t *testing.T) {
			c := newClient(t, client.WithAddress(startRaw(t, respond(t, tc.n, "0"))))
			err := c.Call(ctxT(t), unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse))
			if code := volo.CodeOf(err); code != volo.CodeUnimplemented {
				t.Fatalf("got %v (%v), want unimplemented", code, err)
			}
		})
		t.Run("client-streaming/"+tc.name, func(t *testing.T) {
			c := newClient(t, client.WithAddress(startRaw(t, respond(t, tc.n, "0"))))
			st, err := c.NewStream(ctxT(t), streamingInputCall, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = (&inClient{ClientStream: st}).CloseAndRecv()
			if code := volo.CodeOf(err); code != volo.CodeUnimplemented {
				t.Fatalf("got %v (%v), want unimplemented", code, err)
			}
		})
	}
}

// Headers that came before a failing status are the call's headers, not
// lost with the failure.
func TestStreamHeadersBeforeAnError(t *testing.T) {
	c := newClient(t, client.WithAddress(startRaw(t, respond(t, 0, "9"))))
	st, err := c.NewStream(ctxT(t), fullDuplexCall, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	err = st.RecvMsg(new(testpb.StreamingOutputCallResponse))
	if code := volo.CodeOf(err); code != volo.CodeFailedPrecondition {
		t.Fatalf("got %v (%v), want failed_precondition", code, err)
	}
	md, err := st.Header()
	if err != nil || md.Get("x-h") != "1" {
		t.Fatalf("headers %v, %v; want x-h: 1", md, err)
	}
	if st.Trailer().Get("x-h") != "" {
		t.Fatalf("trailers %v carry the headers", st.Trailer())
	}
}

// A stream the server ends without trailers still gives the messages that
// came before the error.
func TestStreamMessagesBeforeMissingTrailers(t *testing.T) {
	c := newClient(t, client.WithAddress(startRaw(t, respond(t, 1, ""))))
	st, err := c.NewStream(ctxT(t), fullDuplexCall, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	m := new(testpb.SimpleResponse)
	if err := st.RecvMsg(m); err != nil || m.GetUsername() != "u" {
		t.Fatalf("first message %v, %v", m, err)
	}
	err = st.RecvMsg(m)
	if code := volo.CodeOf(err); code != volo.CodeInternal || errors.Is(err, io.EOF) {
		t.Fatalf("got %v (%v), want internal", code, err)
	}
}

// A call the caller cancels while its connection is still being set up
// (the server accepted but sent no SETTINGS yet) is canceled, not a
// connection failure.
func TestCancelWhileConnecting(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	c := newClient(t, client.WithAddress(ln.Addr().String()))
	ctx, cancel := context.WithCancel(ctxT(t))
	errc := make(chan error, 1)
	go func() { errc <- c.Call(ctx, unaryCall, &testpb.SimpleRequest{}, new(testpb.SimpleResponse)) }()
	conn := <-accepted
	cancel()
	err = <-errc
	ln.Close()
	if conn != nil {
		conn.Close()
	}
	if code := volo.CodeOf(err); code != volo.CodeCanceled {
		t.Fatalf("got %v (%v), want canceled", code, err)
	}
}
