package client_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/client"
	"github.com/govolo/volo/volo/frame"
	"github.com/govolo/volo/volo/server"
	"github.com/govolo/volo/volo/thrift"
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
		client.WithMiddleware(motore.MiddlewareFn("retry-once", func(ctx context.Context, call *volo.Call, next volo.Service) (res thrift.Struct, err error) {
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
	var res thrifttest.EchoResult
	err = c.Call(ctx, "echo", &thrifttest.EchoArgs{Msg: "hi"}, &res)
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
	srv.RegisterService(volotest.EchoService, volotest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
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
