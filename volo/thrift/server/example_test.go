package server_test

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
)

// A server with one middleware, serving the Echo service on loopback.
func ExampleNew() {
	logging := motore.MiddlewareFn("logging", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		fmt.Println("server got", call.Service+"."+call.Method)
		return next.Call(ctx, call)
	})
	srv, err := server.New(server.WithMiddleware(logging))
	if err != nil {
		panic(err)
	}
	fmt.Println("stack:", srv.Describe())
	err = srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return strings.ToUpper(msg), nil
	}))
	if err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	done := make(chan error)
	go func() { done <- srv.Serve(ln) }()

	c, _ := client.New("Echo", client.WithAddress(ln.Addr().String()))
	defer c.Close()
	fmt.Println((&echo.EchoClient{Client: c}).Echo(context.Background(), "hello"))

	srv.Shutdown(context.Background())
	fmt.Println(<-done)
	// Output:
	// stack: logging -> handler
	// server got Echo.echo
	// HELLO <nil>
	// volo: server closed
}
