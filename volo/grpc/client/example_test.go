package client_test

import (
	"context"
	"fmt"
	"net"

	"github.com/govolo/volo/volo/grpc/client"
	ggrpc "google.golang.org/grpc"
	testpb "google.golang.org/grpc/interop/grpc_testing"
)

// A client of grpc.testing.TestService calling grpc-go's server over h2c.
func ExampleNew() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	gs := ggrpc.NewServer()
	testpb.RegisterTestServiceServer(gs, &peer{name: "grpc-go"})
	go gs.Serve(ln)
	defer gs.Stop()

	c, err := client.New("grpc.testing.TestService", client.WithAddress(ln.Addr().String()))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	resp := new(testpb.SimpleResponse)
	if err := c.Call(context.Background(), unaryCall, &testpb.SimpleRequest{ResponseSize: 3}, resp); err != nil {
		panic(err)
	}
	fmt.Println(resp.GetHostname(), len(resp.GetPayload().GetBody()))
	// Output: grpc-go 3
}
