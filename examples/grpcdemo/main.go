// Command grpcdemo runs a grpc-go Echo service and a grpc-go client in
// one process, both protected by the ext stack of the volo demo
// (examples/demo), through adapters/grpc's interceptors: the server caps
// its calls in flight with ext/ratelimit, keeps an ext/circuitbreaker
// breaker per method, recovers panics and traces with ext/tracing; the
// client traces, times out and keeps a breaker per target. A persistent
// metainfo value travels to the server and a backward one comes back, as
// between volo services. It calls Echo with requests that succeed, fail
// with an invalid argument (which the breakers ignore), panic, time out,
// meet a full server, and meet a failing backend until the client's
// breaker opens; then it prints the breakers and the trace.
//
//	cd examples/grpcdemo && GOWORK=off go run .
//
// (a module of its own, outside go.work, so that no workspace module
// builds against grpc-go's dependencies).
//
// With -addr it runs only the server, for any gRPC client (grpcurl with
// the StringValue request, another grpc-go program) to call:
//
//	GOWORK=off go run . -addr 127.0.0.1:50051
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adgrpc "github.com/govolo/volo/adapters/grpc"
	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

func main() {
	addr := flag.String("addr", "", "serve Echo on this address until interrupted, instead of running the demo")
	flag.Parse()
	var err error
	if *addr != "" {
		err = standalone(os.Stdout, *addr)
	} else {
		err = run(os.Stdout, 50*time.Millisecond)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "grpcdemo:", err)
		os.Exit(1)
	}
}

// handler implements Echo: msg in upper case; "" is an invalid argument,
// "panic" panics, "slow" waits for the deadline, "hold" waits until
// released, "down" fails as a broken backend would.
type handler struct {
	held    chan struct{} // one value per held call, once it is in
	release chan struct{} // closed to let held calls go
}

func (h *handler) Echo(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error) {
	switch in.Value {
	case "":
		return nil, status.Error(codes.InvalidArgument, "empty message")
	case "panic":
		panic("echo cannot handle " + in.Value)
	case "slow":
		<-ctx.Done()
		return nil, ctx.Err()
	case "hold":
		h.held <- struct{}{}
		<-h.release
	case "down":
		return nil, status.Error(codes.Unavailable, "backend down")
	}
	metainfo.SendBackwardValue(ctx, "SERVED_BY", "grpc-a")
	return wrapperspb.String(strings.ToUpper(in.Value)), nil
}

// callInfo describes a call to ext/tracing.
func callInfo(_ context.Context, c *adgrpc.Call) tracing.CallInfo { return tracing.CallInfo(c.Info()) }

// business makes the breakers ignore the answers that say nothing of a
// server's health, as the volo demo's breakers ignore business errors.
func business(ctx context.Context, _ any, err error) circuitbreaker.Outcome {
	switch status.Code(err) {
	case codes.InvalidArgument, codes.NotFound:
		return circuitbreaker.Ignored
	}
	return circuitbreaker.ClassifyError(ctx, err)
}

// serverLog prints each call as the server receives it, with the
// caller's metainfo.
func serverLog(w io.Writer) motore.Middleware[*adgrpc.Call, any] {
	return motore.MiddlewareFn("server-log", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "TENANT")
		fmt.Fprintf(w, "    server: %s(%q) tenant=%s\n", c.FullMethod, c.Request.(*wrapperspb.StringValue).Value, tenant)
		return next.Call(ctx, c)
	})
}

// server is the demo's server stack, outermost first.
type server struct {
	limit    *ratelimit.Concurrency[*adgrpc.Call, any]
	breakers *circuitbreaker.Group[*adgrpc.Call, any]
	calls    atomic.Int64
}

func newServer(w io.Writer, tp *sdktrace.TracerProvider, h *handler) (*grpc.Server, *server, error) {
	s := &server{
		limit:    ratelimit.NewConcurrency[*adgrpc.Call, any](2),
		breakers: circuitbreaker.NewGroup[*adgrpc.Call, any](adgrpc.MethodKey, business, circuitbreaker.WithoutIdleTimeout()),
	}
	counting := motore.MiddlewareFn("metrics", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		s.calls.Add(1)
		return next.Call(ctx, c)
	})
	opts, err := adgrpc.ServerOptions(motore.Chain(
		tracing.Server[*adgrpc.Call, any](callInfo, tracing.WithTracerProvider(tp)),
		serverLog(w),
		counting,
		motore.Middleware[*adgrpc.Call, any](s.limit),
		motore.Middleware[*adgrpc.Call, any](s.breakers),
		motore.CatchPanic[*adgrpc.Call, any](),
	), adgrpc.WithRetryAfter(ratelimit.RetryAfter))
	if err != nil {
		return nil, nil, err
	}
	srv := grpc.NewServer(opts...)
	srv.RegisterService(&echoDesc, h)
	return srv, s, nil
}

// clientLog prints each call as it enters the client's stack.
func clientLog(w io.Writer) motore.Middleware[*adgrpc.Call, any] {
	return motore.MiddlewareFn("client-log", func(ctx context.Context, c *adgrpc.Call, next motore.Service[*adgrpc.Call, any]) (any, error) {
		fmt.Fprintf(w, "  call %q\n", c.Request.(*wrapperspb.StringValue).Value)
		return next.Call(ctx, c)
	})
}

// describeErr names an error as a caller of grpc-go branches on it: its
// status code, and whether a layer of the client's stack refused the call
// (errors.Is finds the ext sentinels through the adapter's error).
func describeErr(err error) string {
	s := status.Convert(err)
	switch {
	case errors.Is(err, circuitbreaker.ErrOpen):
		return fmt.Sprintf("%s (the client's breaker is open; the server was not called)", s.Code())
	case s.Code() == codes.DeadlineExceeded:
		// The client's timeout layer or the server, which got the same
		// deadline in grpc-timeout, whichever noticed first.
		return fmt.Sprintf("%s (the client's timeout)", s.Code())
	case s.Code() == codes.ResourceExhausted:
		return fmt.Sprintf("%s (the server's concurrency limit)", s.Code())
	}
	return fmt.Sprintf("%s: %s", s.Code(), s.Message())
}

// lockedWriter lets the server's and the client's goroutines print to one
// writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func run(out io.Writer, timeout time.Duration) error {
	w := &lockedWriter{w: out}
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	h := &handler{held: make(chan struct{}, 2), release: make(chan struct{})}
	srv, stack, err := newServer(w, tp, h)
	if err != nil {
		ln.Close()
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	defer func() { srv.Stop(); <-served }()

	clientBreakers := circuitbreaker.NewGroup[*adgrpc.Call, any](adgrpc.TargetKey, business,
		circuitbreaker.WithConsecutiveFailures(3),
		circuitbreaker.WithoutIdleTimeout())
	dopts, err := adgrpc.DialOptions(motore.Chain(
		clientLog(w),
		tracing.Client[*adgrpc.Call, any](callInfo, tracing.WithTracerProvider(tp)),
		motore.Timeout[*adgrpc.Call, any](timeout),
		motore.Middleware[*adgrpc.Call, any](clientBreakers),
	))
	if err != nil {
		return err
	}
	cc, err := grpc.NewClient(ln.Addr().String(), append(dopts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		return err
	}
	defer cc.Close()

	fmt.Fprintln(w, "grpc-go server: tracing -> server-log -> metrics -> concurrency(2) -> circuitbreaker per method -> catch-panic -> Echo")
	fmt.Fprintf(w, "grpc-go client: client-log -> tracing -> timeout(%v) -> circuitbreaker per target -> grpc\n", timeout)
	fmt.Fprintln(w, "calls (tenant=acme travels as persistent metainfo, in rpc-persist-tenant):")
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	call := func(msg string, opts ...grpc.CallOption) error {
		ctx := metainfo.WithBackwardValues(ctx)
		out, err := echo(ctx, cc, msg, opts...)
		if err != nil {
			fmt.Fprintf(w, "    client: error: %s\n", describeErr(err))
			return err
		}
		by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
		fmt.Fprintf(w, "    client: %q (served-by=%s)\n", out, by)
		return nil
	}
	for _, msg := range []string{"hello", "", "panic", "slow", "volo"} {
		_ = call(msg)
	}

	// Two other clients, plain grpc-go, hold both of the server's slots.
	fmt.Fprintln(w, "two other clients hold both of the server's slots; a third call is turned away:")
	plain, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer plain.Close()
	var held sync.WaitGroup
	for range 2 {
		held.Go(func() { _, _ = echo(context.Background(), plain, "hold") })
	}
	<-h.held
	<-h.held
	var trailer metadata.MD
	_ = call("third", grpc.Trailer(&trailer))
	fmt.Fprintf(w, "    client: the server sent a retry hint (grpc-retry-pushback-ms): %v\n", len(trailer.Get("grpc-retry-pushback-ms")) == 1)
	close(h.release)
	held.Wait()
	_ = call("free again")

	fmt.Fprintln(w, "the backend goes down; after 3 failures in a row the client's breaker opens:")
	for range 4 {
		_ = call("down")
	}

	fmt.Fprintln(w, "client breakers, per target:")
	for _, s := range clientBreakers.Snapshots() {
		fmt.Fprintf(w, "  %s: %s, %d succeeded, %d failed, %d ignored\n", target(s.Key, ln), s.State, s.Counts.Successes, s.Counts.Failures, s.Counts.Ignored)
	}
	// The slow call's failure counts on the server when its deadline
	// passes there first, and is ignored when the client's cancellation
	// arrives first: the server's counts of failures vary from run to run.
	fmt.Fprintln(w, "server breakers, per method:")
	for _, s := range stack.breakers.Snapshots() {
		fmt.Fprintf(w, "  %s: %s, %d succeeded\n", s.Key, s.State, s.Counts.Successes)
	}
	fmt.Fprintf(w, "server metrics: %d calls\n", stack.calls.Load())
	return traceSummary(w, rec)
}

// target names the dialled address without its port, which changes from
// run to run.
func target(key string, ln net.Listener) string {
	return strings.Replace(key, ln.Addr().String(), "127.0.0.1:<port>", 1)
}

// traceSummary prints, for the first call, its client span and the
// server span that continued it through the W3C traceparent metadata.
func traceSummary(w io.Writer, rec *tracetest.SpanRecorder) error {
	spans := rec.Ended()
	if len(spans) < 2 {
		return fmt.Errorf("recorded %d spans", len(spans))
	}
	var client, server sdktrace.ReadOnlySpan
	for _, s := range spans {
		switch {
		case client == nil && s.SpanKind().String() == "client":
			client = s
		case server == nil && s.SpanKind().String() == "server":
			server = s
		}
	}
	if client == nil || server == nil {
		return errors.New("no client or server span")
	}
	fmt.Fprintf(w, "trace: %d spans; the first call's client span %q is the parent of server span %q: %v\n",
		len(spans), client.Name(), server.Name(),
		server.Parent().SpanID() == client.SpanContext().SpanID() && server.Parent().IsRemote())
	return nil
}

// standalone serves Echo on addr until interrupted.
func standalone(w io.Writer, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	tp := sdktrace.NewTracerProvider()
	defer func() { _ = tp.Shutdown(context.Background()) }()
	h := &handler{held: make(chan struct{}, 1024), release: make(chan struct{})}
	close(h.release)
	srv, stack, err := newServer(w, tp, h)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(w, "serving echo.Echo on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	srv.GracefulStop()
	<-served
	fmt.Fprintf(w, "served %d calls\n", stack.calls.Load())
	return nil
}
