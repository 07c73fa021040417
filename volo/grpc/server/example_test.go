package server_test

import (
	"context"
	"fmt"
	"net"

	"github.com/govolo/volo/volo/grpc/server"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	testpb "google.golang.org/grpc/interop/grpc_testing"
)

// A server with grpc.testing.TestService's unary methods, called by
// grpc-go's client over h2c.
func ExampleNew() {
	srv, err := server.New()
	if err != nil {
		panic(err)
	}
	if err := srv.RegisterService(testServiceDesc, impl{}); err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	cc, err := ggrpc.NewClient(ln.Addr().String(), ggrpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	defer cc.Close()
	resp, err := testpb.NewTestServiceClient(cc).UnaryCall(context.Background(), &testpb.SimpleRequest{ResponseSize: 3})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(resp.GetPayload().GetBody()))
	// Output: 3
}
