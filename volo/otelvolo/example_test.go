package otelvolo_test

import (
	"context"
	"fmt"
	"net"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/volo/otelvolo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// One line on each side: the server's span continues the client's trace.
func Example() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer tp.Shutdown(context.Background())

	srv, _ := server.New(server.WithMiddleware(otelvolo.Server(tracing.WithTracerProvider(tp))))
	_ = srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return msg, nil
	}))
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()

	c, _ := client.New("Echo", client.WithAddress(ln.Addr().String()),
		client.WithMiddleware(otelvolo.Client(tracing.WithTracerProvider(tp))))
	defer c.Close()
	_, _ = (&echo.EchoClient{Client: c}).Echo(context.Background(), "hi")

	var clientSpan, serverSpan sdktrace.ReadOnlySpan
	for _, s := range spans.Ended() {
		if s.SpanKind().String() == "client" {
			clientSpan = s
		} else {
			serverSpan = s
		}
	}
	fmt.Println(clientSpan.Name(), clientSpan.SpanKind())
	fmt.Println(serverSpan.Name(), serverSpan.SpanKind())
	fmt.Println("same trace:", clientSpan.SpanContext().TraceID() == serverSpan.SpanContext().TraceID())
	fmt.Println("server's parent is the client's span:", serverSpan.Parent().SpanID() == clientSpan.SpanContext().SpanID())
	// Output:
	// Echo/echo client
	// Echo/echo server
	// same trace: true
	// server's parent is the client's span: true
}

// ClientInfo is the call info the client layer records; pass it to
// tracing.Client yourself to add options of your own to the glue.
func ExampleClientInfo() {
	info := otelvolo.ClientInfo(context.Background(), &thrifttestCall)
	fmt.Println(info.System, info.FullMethod(), info.PeerAddress, info.PeerPort)
	// Output: thrift Echo/echo 10.0.0.7 8888
}

var thrifttestCall = thriftCall("Echo", "echo", "10.0.0.7:8888")
