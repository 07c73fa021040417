package volotest_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
)

// A server and a client talking over an in-memory listener, no port.
func ExampleNewListener() {
	ln := volotest.NewListener()
	srv, _ := server.New()
	srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return strings.ToUpper(msg), nil
	}))
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()

	c, _ := client.New("Echo", client.WithAddress("echo"), client.WithDialer(ln.Dial))
	got, err := (&echo.EchoClient{Client: c}).Echo(context.Background(), "in memory")
	fmt.Println(got, err)

	c.Close()
	srv.Close()
	<-done
	// Output: IN MEMORY <nil>
}
