package client_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/volotest"
)

// A client with a timeout, a middleware and metainfo both ways, calling a
// server over an in-memory listener.
func ExampleNew() {
	ln := volotest.NewListener()
	srv := startEcho(ln)
	defer srv()

	c, err := client.New("Echo",
		client.WithAddress("echo.local:8888"),
		client.WithDialer(ln.Dial), // in memory; omit for TCP
		client.WithFraming(frame.TTHeader),
		client.WithRPCTimeout(time.Second),
		client.WithMiddleware(motore.MiddlewareFn("retry-once", func(ctx context.Context, call *thrift.Call, next thrift.Service) (res thrift.Struct, err error) {
			if res, err = next.Call(ctx, call); errors.Is(err, volo.ErrConnection) {
				return next.Call(ctx, call)
			}
			return res, err
		})),
	)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	fmt.Println("stack:", c.Describe())

	ctx := metainfo.WithPersistentValue(context.Background(), "tenant", "acme")
	ctx = metainfo.WithBackwardValues(ctx)
	var res echo.EchoEchoResult
	err = c.Call(ctx, echo.EchoEchoMethod, &echo.EchoEchoArgs{Msg: "hi"}, &res)
	fmt.Println(*res.Success, err)
	v, _ := metainfo.RecvBackwardValue(ctx, "tenant-seen")
	fmt.Println("backward:", v)
	// Output:
	// stack: retry-once -> transport(ttheader)
	// hi for acme <nil>
	// backward: acme
}

func startEcho(ln *volotest.Listener) (stop func()) {
	srv, _ := server.New()
	srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "tenant")
		metainfo.SendBackwardValue(ctx, "tenant-seen", tenant)
		return msg + " for " + tenant, nil
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return func() {
		srv.Close()
		<-done
	}
}

// A client whose calls are spread over two instances by a discovery
// balancer, with a layer per instance under it. The instances here are
// in-memory servers reached through a dialer that routes by address; with
// TCP, leave the dialer out.
func ExampleWithBalancer() {
	servers := map[string]*volotest.Listener{}
	for _, addr := range []string{"10.0.0.1:8888", "10.0.0.2:8888"} {
		ln := volotest.NewListener()
		servers[addr] = ln
		srv, _ := server.New()
		srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
			return msg + " from " + addr, nil
		}))
		go srv.Serve(ln)
		defer srv.Close()
	}
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		return servers[addr].Dial(ctx, network, addr)
	}

	bal, err := discovery.NewBalancer(context.Background(),
		discovery.NewStatic(discovery.Instance{Addr: "10.0.0.1:8888"}, discovery.Instance{Addr: "10.0.0.2:8888"}),
		"Echo", discovery.WithPolicy(discovery.RoundRobin()))
	if err != nil {
		panic(err)
	}
	defer bal.Close()

	c, err := client.New("Echo",
		client.WithDialer(dial),
		client.WithBalancer(bal),
		client.WithInstanceMiddleware(motore.MiddlewareFn("per-instance", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
			// A circuit breaker per instance would sit here.
			return next.Call(ctx, call)
		})),
	)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	fmt.Println("stack:", c.Describe())

	ec := &echo.EchoClient{Client: c}
	for range 3 {
		answer, err := ec.Echo(context.Background(), "hi")
		fmt.Println(answer, err)
	}
	// Output:
	// stack: loadbalance(round_robin over "Echo", retries 1) -> per-instance -> transport(ttheader)
	// hi from 10.0.0.1:8888 <nil>
	// hi from 10.0.0.2:8888 <nil>
	// hi from 10.0.0.1:8888 <nil>
}

// A client that sends its calls over one multiplexed connection: the three
// calls run on the server at once, and the fast ones are answered while
// the slow one still runs.
func ExampleWithMultiplexing() {
	ln := volotest.NewListener()
	release := make(chan struct{})
	srv, _ := server.New()
	srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		if msg == "slow" {
			<-release
		}
		return msg + " done", nil
	}))
	go srv.Serve(ln)
	defer srv.Close()

	c, err := client.New("Echo", client.WithAddress("echo:8888"), client.WithDialer(ln.Dial), client.WithMultiplexing(1))
	if err != nil {
		panic(err)
	}
	defer c.Close()
	ec := &echo.EchoClient{Client: c}

	slow := make(chan string)
	go func() {
		answer, _ := ec.Echo(context.Background(), "slow")
		slow <- answer
	}()
	for _, msg := range []string{"fast", "faster"} {
		answer, err := ec.Echo(context.Background(), msg)
		fmt.Println(answer, err)
	}
	close(release)
	fmt.Println(<-slow)
	// Output:
	// fast done <nil>
	// faster done <nil>
	// slow done
}
