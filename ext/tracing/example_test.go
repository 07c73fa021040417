package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"sort"
	"strings"

	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// EchoRequest is the request of the examples' echo service.
type EchoRequest struct {
	Method string
	Text   string
}

// echoCallInfo is what a framework would pass: the system, service and
// method of each call.
func echoCallInfo(_ context.Context, r EchoRequest) tracing.CallInfo {
	return tracing.CallInfo{System: "volo", Service: "echo.Echo", Method: r.Method, ServerAddress: "echo.internal", ServerPort: 8888}
}

func echoHandler(_ context.Context, r EchoRequest) (string, error) { return r.Text, nil }

// A client and a server, joined by a transport that sends only the metainfo
// wire map, export their spans through the SDK's stdout exporter. The
// exporter would normally write to os.Stdout; here its JSON is summed up so
// that the output is the same on every run.
func Example() {
	var out bytes.Buffer // os.Stdout in a real program
	exporter, err := stdouttrace.New(stdouttrace.WithWriter(&out))
	if err != nil {
		log.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSyncer(exporter),
		sdktrace.WithResource(resource.Empty()),
	)
	defer func() { _ = tp.Shutdown(context.Background()) }()
	opts := []tracing.Option{
		tracing.WithTracerProvider(tp),
		tracing.WithPropagators(propagation.TraceContext{}),
	}

	server, err := motore.Build(motore.ServiceFn(echoHandler), tracing.Server[EchoRequest, string](echoCallInfo, tracing.ServerOptions(opts)...))
	if err != nil {
		log.Fatal(err)
	}
	codec := metainfo.NewCodec()
	transport := motore.ServiceFn(func(ctx context.Context, r EchoRequest) (string, error) {
		header := map[string]string{}
		if err := codec.ToMap(ctx, header); err != nil {
			return "", err
		}
		sctx, err := codec.FromMap(context.Background(), header)
		if err != nil {
			return "", err
		}
		return server.Call(sctx, r)
	})
	client, err := motore.Build(transport, tracing.Client[EchoRequest, string](echoCallInfo, tracing.ClientOptions(opts)...))
	if err != nil {
		log.Fatal(err)
	}

	reply, err := client.Call(context.Background(), EchoRequest{Method: "Echo", Text: "hello"})
	fmt.Println(reply, err)
	summarize(&out)
	// Output:
	// hello <nil>
	// echo.Echo/Echo server, parent: the client span (remote)
	// echo.Echo/Echo client, parent: none
}

// summarize prints each span the stdout exporter wrote to r, naming its
// parent.
func summarize(r io.Reader) {
	type spanContext struct {
		TraceID, SpanID string
		Remote          bool
	}
	type span struct {
		Name        string
		SpanKind    trace.SpanKind
		SpanContext spanContext
		Parent      spanContext
	}
	var spans []span
	for dec := json.NewDecoder(r); ; {
		var s span
		if err := dec.Decode(&s); err != nil {
			break
		}
		spans = append(spans, s)
	}
	names := map[string]string{}
	for _, s := range spans {
		names[s.SpanContext.TraceID+s.SpanContext.SpanID] = "the " + s.SpanKind.String() + " span"
	}
	for _, s := range spans {
		parent := "none"
		if p, ok := names[s.Parent.TraceID+s.Parent.SpanID]; ok {
			parent = p
		}
		if s.Parent.Remote {
			parent += " (remote)"
		}
		fmt.Printf("%s %s, parent: %s\n", s.Name, s.SpanKind, parent)
	}
}

// Client writes the trace context into the call's metainfo, so the
// transport below it sends it on.
func ExampleClient() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))

	// The transport: here it only looks at what metainfo would send.
	transport := motore.ServiceFn(func(ctx context.Context, r EchoRequest) (string, error) {
		header := map[string]string{}
		if err := metainfo.NewCodec().ToMap(ctx, header); err != nil {
			return "", err
		}
		for k := range header {
			fmt.Println("sent:", k)
		}
		return r.Text, nil
	})
	client, err := motore.Build(transport, tracing.Client[EchoRequest, string](echoCallInfo,
		tracing.WithTracerProvider(tp),
		tracing.WithPropagators(propagation.TraceContext{}),
	))
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Call(context.Background(), EchoRequest{Method: "Echo", Text: "hi"}); err != nil {
		log.Fatal(err)
	}
	s := spans.Ended()[0]
	fmt.Println(s.Name(), s.SpanKind())
	// Output:
	// sent: RPC_TRANSIT_traceparent
	// echo.Echo/Echo client
}

// Server continues the trace whose context arrived in metainfo, here a W3C
// traceparent as a Kitex or Volo client would send it.
func ExampleServer() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	server, err := motore.Build(motore.ServiceFn(echoHandler), tracing.Server[EchoRequest, string](echoCallInfo,
		tracing.WithTracerProvider(tp),
		tracing.WithPropagators(propagation.TraceContext{}),
	))
	if err != nil {
		log.Fatal(err)
	}

	// What a transport decodes from the request header.
	ctx, err := metainfo.NewCodec().FromMap(context.Background(), map[string]string{
		"RPC_TRANSIT_traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := server.Call(ctx, EchoRequest{Method: "Echo", Text: "hi"}); err != nil {
		log.Fatal(err)
	}
	s := spans.Ended()[0]
	fmt.Println(s.Name(), s.SpanKind())
	fmt.Println("trace:", s.SpanContext().TraceID())
	fmt.Println("parent:", s.Parent().SpanID(), "remote:", s.Parent().IsRemote())
	// Output:
	// echo.Echo/Echo server
	// trace: 4bf92f3577b34da6a3ce929d0e0e4736
	// parent: 00f067aa0ba902b7 remote: true
}

// Inject is what Client does to the context; a framework that starts its
// own spans can call it directly.
func ExampleInject() {
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)

	ctx = tracing.Inject(ctx, propagation.TraceContext{})
	v, _ := metainfo.GetValue(ctx, "traceparent")
	fmt.Println(v)
	// Output:
	// 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
}

// Extract is what Server does to the context of an incoming call.
func ExampleExtract() {
	ctx, err := metainfo.NewCodec().FromHTTPHeader(context.Background(), map[string][]string{
		"rpc-transit-traceparent": {"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
	})
	if err != nil {
		log.Fatal(err)
	}
	sc := trace.SpanContextFromContext(tracing.Extract(ctx, propagation.TraceContext{}))
	fmt.Println(sc.TraceID(), sc.SpanID(), sc.IsRemote(), sc.IsSampled())
	// Output:
	// 4bf92f3577b34da6a3ce929d0e0e4736 00f067aa0ba902b7 true true
}

// WithFilter keeps health checks out of traces and metrics.
func ExampleWithFilter() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	notHealth := func(_ context.Context, info tracing.CallInfo) bool { return info.Method != "Health" }
	server, err := motore.Build(motore.ServiceFn(echoHandler), tracing.Server[EchoRequest, string](echoCallInfo,
		tracing.WithTracerProvider(tp),
		tracing.WithFilter(notHealth),
	))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range []string{"Health", "Echo", "Health"} {
		_, _ = server.Call(context.Background(), EchoRequest{Method: m})
	}
	for _, s := range spans.Ended() {
		fmt.Println(s.Name())
	}
	// Output:
	// echo.Echo/Echo
}

// WithStatusCode maps errors to the RPC system's codes, which become
// rpc.response.status_code and error.type.
func ExampleWithStatusCode() {
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	errNotFound := errors.New("not found")
	code := func(err error) string {
		switch {
		case err == nil:
			return "OK"
		case errors.Is(err, errNotFound):
			return "NOT_FOUND"
		}
		return "UNKNOWN"
	}
	failing := motore.ServiceFn(func(context.Context, EchoRequest) (string, error) { return "", errNotFound })
	client, err := motore.Build(failing, tracing.Client[EchoRequest, string](echoCallInfo, tracing.WithTracerProvider(tp), tracing.WithStatusCode(code)))
	if err != nil {
		log.Fatal(err)
	}
	_, _ = client.Call(context.Background(), EchoRequest{Method: "Get"})
	s := spans.Ended()[0]
	var attrs []string
	for _, kv := range s.Attributes() {
		attrs = append(attrs, fmt.Sprintf("%s=%s", kv.Key, kv.Value.String()))
	}
	sort.Strings(attrs)
	fmt.Println(s.Status().Code, s.Status().Description)
	fmt.Println(strings.Join(attrs, "\n"))
	// Output:
	// Error not found
	// error.type=NOT_FOUND
	// rpc.method=echo.Echo/Get
	// rpc.response.status_code=NOT_FOUND
	// rpc.system.name=volo
	// server.address=echo.internal
	// server.port=8888
}

// NewLogHandler puts the current span's IDs on log records, so logs and
// traces join up.
func ExampleNewLogHandler() {
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	})
	log := slog.New(tracing.NewLogHandler(h))

	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
	})
	ctx := trace.ContextWithSpanContext(context.Background(), sc)
	log.InfoContext(ctx, "handled", "method", "Echo")
	// Output:
	// level=INFO msg=handled method=Echo trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7
}
