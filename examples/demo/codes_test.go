package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

type held struct{ started, release chan struct{} }

func (h held) Echo(ctx context.Context, msg string) (string, error) {
	if msg == "hold" {
		h.started <- struct{}{}
		<-h.release
	}
	return msg, nil
}

// What the ext layers and the framework refuse reaches the caller with the
// code that says why, through the server, the wire and the client.
func TestErrorCodesAcrossAHop(t *testing.T) {
	h := held{started: make(chan struct{}), release: make(chan struct{})}
	srv, err := server.New(
		server.WithMiddleware(ratelimit.NewConcurrency[*thrift.Call, thrift.Struct](1)),
		server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
	if err != nil {
		t.Fatal(err)
	}
	if err := echo.RegisterEcho(srv, h); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() {
		srv.Close()
		<-served
	}()
	c, err := echo.NewEchoClient(client.WithAddress(ln.Addr().String()),
		client.WithMiddleware(circuitbreaker.New[*thrift.Call, thrift.Struct](nil, circuitbreaker.WithConsecutiveFailures(1))))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()

	holding := make(chan error, 1)
	go func() { _, err := c.Echo(ctx, "hold"); holding <- err }()
	<-h.started
	_, err = c.Echo(ctx, "over the limit")
	if got := volo.CodeOf(err); got != volo.CodeResourceExhausted {
		t.Errorf("a rejection by the server's limiter: code %s (%v), want resource_exhausted", got, err)
	}
	var ae *thrift.ApplicationException
	if !errors.As(err, &ae) || ae.Type != thrift.ExceptionInternalError {
		t.Errorf("sent as %v, want an INTERNAL_ERROR exception with its code", err)
	}
	close(h.release)
	if err := <-holding; err != nil {
		t.Fatal(err)
	}

	// The failure opened the client's breaker: the next call is not made.
	_, err = c.Echo(ctx, "x")
	if got := volo.CodeOf(err); got != volo.CodeUnavailable {
		t.Errorf("an open breaker: code %s (%v), want unavailable", got, err)
	}

	raw, err := client.New("Echo", client.WithAddress(ln.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	err = raw.Call(ctx, &thrift.MethodDesc{Name: "nope"}, &echo.EchoEchoArgs{}, &echo.EchoEchoResult{})
	if got := volo.CodeOf(err); got != volo.CodeUnimplemented {
		t.Errorf("an unknown method: code %s (%v), want unimplemented", got, err)
	}
	tctx, cancel := context.WithTimeout(ctx, time.Nanosecond)
	defer cancel()
	_, err = (&echo.EchoClient{Client: raw}).Echo(tctx, "late")
	if got := volo.CodeOf(err); got != volo.CodeDeadlineExceeded {
		t.Errorf("a call out of time: code %s (%v), want deadline_exceeded", got, err)
	}
}
