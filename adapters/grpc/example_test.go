package grpc_test

import (
	"context"
	"fmt"
	"log"
	"net"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adgrpc "github.com/govolo/volo/adapters/grpc"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// serveExample serves the echo service with sopts in memory and dials it
// with dopts; stop closes both.
func serveExample(sopts []grpc.ServerOption, dopts ...grpc.DialOption) (cc *grpc.ClientConn, stop func()) {
	ln := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(sopts...)
	srv.RegisterService(&echoDesc, upper{echo: func(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "TENANT")
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
		return wrapperspb.String(strings.ToUpper(in.Value) + " for " + tenant), nil
	}})
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(ln) }()
	dopts = append(dopts, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return ln.DialContext(ctx) }))
	cc, err := grpc.NewClient("passthrough:///echo", dopts...)
	if err != nil {
		log.Fatal(err)
	}
	return cc, func() { cc.Close(); srv.Stop(); <-done }
}

// logging prints each call as the side named sees it.
func logging(side string) motore.Middleware[*adgrpc.Call, any] {
	return motore.MiddlewareFn("logging", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		resp, err := next.Call(ctx, c)
		fmt.Printf("%s: %s stream=%v code=%s\n", side, c.FullMethod, c.IsStream(), status.Code(err))
		return resp, err
	})
}

func ExampleUnaryServerInterceptor() {
	icpt, err := adgrpc.UnaryServerInterceptor(logging("server"))
	if err != nil {
		log.Fatal(err)
	}
	cc, stop := serveExample([]grpc.ServerOption{grpc.UnaryInterceptor(icpt)})
	defer stop()
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	out := new(wrapperspb.StringValue)
	// A client without the adapter sends the metainfo by hand.
	_ = cc.Invoke(metadataFrom(ctx), "/echo.Echo/Echo", wrapperspb.String("hi"), out)
	fmt.Println(out.Value)
	// Output:
	// server: /echo.Echo/Echo stream=false code=OK
	// HI for acme
}

func ExampleStreamServerInterceptor() {
	icpt, err := adgrpc.StreamServerInterceptor(logging("server"))
	if err != nil {
		log.Fatal(err)
	}
	cc, stop := serveExample([]grpc.ServerOption{grpc.StreamInterceptor(icpt)})
	defer stop()
	cs, err := cc.NewStream(context.Background(), chatDesc, "/echo.Echo/Chat")
	if err != nil {
		log.Fatal(err)
	}
	_ = cs.SendMsg(wrapperspb.String("hello"))
	out := new(wrapperspb.StringValue)
	_ = cs.RecvMsg(out)
	_ = cs.CloseSend()
	_ = cs.RecvMsg(out) // io.EOF: the server's handler has returned
	fmt.Println(out.Value)
	// Output:
	// server: /echo.Echo/Chat stream=true code=OK
	// HELLO
}

func ExampleServerOptions() {
	sopts, err := adgrpc.ServerOptions(logging("server"))
	if err != nil {
		log.Fatal(err)
	}
	dopts, err := adgrpc.DialOptions(motore.Identity[*adgrpc.Call, any]())
	if err != nil {
		log.Fatal(err)
	}
	cc, stop := serveExample(sopts, dopts...)
	defer stop()
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	ctx = metainfo.WithBackwardValues(ctx)
	out := new(wrapperspb.StringValue)
	if err := cc.Invoke(ctx, "/echo.Echo/Echo", wrapperspb.String("hi"), out); err != nil {
		log.Fatal(err)
	}
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	fmt.Println(out.Value, "served by", by)
	// Output:
	// server: /echo.Echo/Echo stream=false code=OK
	// HI for acme served by a
}

func ExampleUnaryClientInterceptor() {
	icpt, err := adgrpc.UnaryClientInterceptor(logging("client"))
	if err != nil {
		log.Fatal(err)
	}
	cc, stop := serveExample(nil, grpc.WithUnaryInterceptor(icpt))
	defer stop()
	out := new(wrapperspb.StringValue)
	// The server has no adapter: the metainfo arrives as plain metadata.
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	_ = cc.Invoke(ctx, "/echo.Echo/Echo", wrapperspb.String("hi"), out)
	fmt.Printf("%q\n", out.Value)
	// Output:
	// client: /echo.Echo/Echo stream=false code=OK
	// "HI for "
}

func ExampleStreamClientInterceptor() {
	icpt, err := adgrpc.StreamClientInterceptor(logging("client"))
	if err != nil {
		log.Fatal(err)
	}
	cc, stop := serveExample(nil, grpc.WithStreamInterceptor(icpt))
	defer stop()
	cs, err := cc.NewStream(context.Background(), chatDesc, "/echo.Echo/Chat")
	if err != nil {
		log.Fatal(err)
	}
	_ = cs.SendMsg(wrapperspb.String("hello"))
	out := new(wrapperspb.StringValue)
	_ = cs.RecvMsg(out)
	_ = cs.CloseSend()
	fmt.Println(out.Value)
	// Output:
	// client: /echo.Echo/Chat stream=true code=OK
	// HELLO
}

func ExampleDialOptions() {
	dopts, err := adgrpc.DialOptions(logging("client"))
	if err != nil {
		log.Fatal(err)
	}
	sopts, err := adgrpc.ServerOptions(motore.Identity[*adgrpc.Call, any]())
	if err != nil {
		log.Fatal(err)
	}
	cc, stop := serveExample(sopts, dopts...)
	defer stop()
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	out := new(wrapperspb.StringValue)
	if err := cc.Invoke(ctx, "/echo.Echo/Echo", wrapperspb.String("hi"), out); err != nil {
		log.Fatal(err)
	}
	fmt.Println(out.Value)
	// Output:
	// client: /echo.Echo/Echo stream=false code=OK
	// HI for acme
}

// metadataFrom writes the persistent metainfo of ctx as outgoing gRPC
// metadata, as a client without the adapter would.
func metadataFrom(ctx context.Context) context.Context {
	md := map[string][]string{}
	var codec metainfo.Codec
	if err := codec.ToHTTPHeader(ctx, md); err != nil {
		log.Fatal(err)
	}
	return metadata.NewOutgoingContext(ctx, md)
}
