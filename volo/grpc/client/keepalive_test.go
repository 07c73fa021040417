package client_test

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc/client"
	"golang.org/x/net/http2"
	testpb "google.golang.org/grpc/interop/grpc_testing"
)

// A server that accepts the connection and then never answers anything,
// pings included, is dropped by the client's keepalive, and the call in
// flight fails as a connection error long before its deadline.
func TestKeepaliveDropsASilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		// The server's SETTINGS, then silence; what the client sends is
		// read and dropped.
		http2.NewFramer(nc, nil).WriteSettings()
		accepted <- nc
		io.Copy(io.Discard, nc)
	}()
	c := newClient(t, client.WithAddress(ln.Addr().String()), client.WithKeepalive(50*time.Millisecond, 50*time.Millisecond, true),
		client.WithoutReadWriteTimeout())
	ctx := ctxT(t) // 10 s
	start := time.Now()
	err = c.Call(ctx, emptyCall, &testpb.Empty{}, new(testpb.Empty))
	if !errors.Is(err, volo.ErrConnection) || ctx.Err() != nil {
		t.Errorf("got %v after %v", err, time.Since(start))
	}
	(<-accepted).Close()
}
