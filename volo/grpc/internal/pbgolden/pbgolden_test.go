// Package pbgolden_test serves pilota/pbgen's golden output for
// greeter.proto (the packages under this directory, which pbgen's tests
// write and compare) with volo's gRPC server and calls it with the
// generated client, the four kinds of method, on loopback: the generated
// code compiles against this module and runs.
package pbgolden_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/client"
	common "github.com/govolo/volo/volo/grpc/internal/pbgolden/common"
	greeterv1 "github.com/govolo/volo/volo/grpc/internal/pbgolden/greeter/v1"
	"github.com/govolo/volo/volo/grpc/server"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type greeter struct{}

func (greeter) SayHello(_ context.Context, req *greeterv1.HelloRequest) (*greeterv1.HelloReply, error) {
	return &greeterv1.HelloReply{Message: "hello " + req.GetName() + " " + req.GetTrace().GetId()}, nil
}

func (greeter) Ping(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return new(emptypb.Empty), nil
}

func (greeter) Watch(req *greeterv1.HelloRequest, st grpc.ServerStreamingServer[greeterv1.HelloReply]) error {
	for range 3 {
		if err := st.Send(&greeterv1.HelloReply{Message: req.GetName()}); err != nil {
			return err
		}
	}
	return nil
}

func (greeter) Upload(st grpc.ClientStreamingServer[greeterv1.HelloRequest, greeterv1.HelloReply]) error {
	var names []string
	for {
		m, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return st.SendAndClose(&greeterv1.HelloReply{Message: strings.Join(names, ",")})
		}
		if err != nil {
			return err
		}
		names = append(names, m.GetName())
	}
}

func (greeter) Chat(st grpc.BidiStreamingServer[greeterv1.HelloRequest, greeterv1.HelloReply]) error {
	for {
		m, err := st.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := st.Send(&greeterv1.HelloReply{Message: "re " + m.GetName()}); err != nil {
			return err
		}
	}
}

func TestGeneratedGreeter(t *testing.T) {
	srv, err := server.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := greeterv1.RegisterGreeter(srv, greeter{}); err != nil {
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
		if err := <-served; !errors.Is(err, volo.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
	}()
	c, err := greeterv1.NewGreeterClient(client.WithAddress(ln.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	r, err := c.SayHello(ctx, &greeterv1.HelloRequest{Name: "a", Trace: &common.Trace{Id: "t1"}})
	if err != nil || r.GetMessage() != "hello a t1" {
		t.Fatalf("SayHello: %v, %v", r, err)
	}
	if _, err := c.Ping(ctx, new(emptypb.Empty)); err != nil {
		t.Fatalf("Ping: %v", err)
	}

	w, err := c.Watch(ctx, &greeterv1.HelloRequest{Name: "b"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		m, err := w.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil || m.GetMessage() != "b" {
			t.Fatalf("Watch: %v, %v", m, err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("Watch: %d replies, want 3", n)
	}

	u, err := c.Upload(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"x", "y"} {
		if err := u.Send(&greeterv1.HelloRequest{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := u.CloseAndRecv(); err != nil || r.GetMessage() != "x,y" {
		t.Fatalf("Upload: %v, %v", r, err)
	}

	ch, err := c.Chat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(&greeterv1.HelloRequest{Name: "z"}); err != nil {
		t.Fatal(err)
	}
	if m, err := ch.Recv(); err != nil || m.GetMessage() != "re z" {
		t.Fatalf("Chat: %v, %v", m, err)
	}
	if err := ch.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if _, err := ch.Recv(); !errors.Is(err, io.EOF) {
		t.Fatalf("Chat end: %v", err)
	}
}
