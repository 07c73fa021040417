package server_test

import (
	"context"
	"fmt"
	"net"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// ListenAndServe on port 0, with WithReady saying which port and when the
// server accepts: no dialling until it works.
func ExampleServer_ListenAndServe() {
	ready := make(chan net.Addr, 1)
	srv, _ := server.New(server.WithReady(func(a net.Addr) { ready <- a }))
	_ = srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return "echo: " + msg, nil
	}))
	go srv.ListenAndServe("127.0.0.1:0")
	defer srv.Close()

	addr := <-ready
	c, _ := client.New("Echo", client.WithAddress(addr.String()))
	defer c.Close()
	answer, err := (&echo.EchoClient{Client: c}).Echo(context.Background(), "hi")
	fmt.Println(answer, err)
	// Output: echo: hi <nil>
}
