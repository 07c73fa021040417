// Command demo runs the whole stack a team would run in production, in one
// process: three volo Thrift servers that register themselves with a
// registry, and a client through tracing (volo/otelvolo over ext/tracing),
// a rate limit (ext/ratelimit), a timeout, a P2C balancer (ext/discovery)
// and a circuit breaker per instance (ext/circuitbreaker) over the
// transport. It prints each stack, the calls per instance, the trace of one
// call across the hop, what happens when one instance is stopped hard, and
// when a burst hits the rate limit, then exits.
//
//	go run ./examples/demo
//
// The registry here is in-process (discovery.Static, which is a Registry
// too); examples/stack runs the same scenario over etcd (embedded, or a
// real one with -etcd) with a Prometheus /metrics endpoint, in a module of
// its own.
//
// With -addr it runs only the server, so that any Thrift client (Apache's,
// Kitex's) can call it over TTHeader, Framed or Buffered binary:
//
//	go run ./examples/demo -addr 127.0.0.1:8888
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/examples/internal/scenario"
	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func main() {
	addr := flag.String("addr", "", "serve Echo on this address until interrupted, instead of running the demo")
	flag.Parse()
	var err error
	if *addr != "" {
		err = standalone(os.Stdout, *addr)
	} else {
		err = run(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// run runs the scenario over an in-process registry, within 20 seconds.
func run(out io.Writer) error {
	_, err := runScenario(out)
	return err
}

func runScenario(out io.Writer) (*scenario.Report, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	reg := discovery.NewStatic()
	return scenario.Run(ctx, out, scenario.Config{Registry: reg, Discoverer: reg, Backend: "in-process registry (discovery.Static)"})
}

// errEmpty rejects requests with no message, as a business error.
var errEmpty = &volo.BizError{Status: 400, Message: "empty message"}

// handler implements the Echo service of the generated package echo: it
// answers msg in upper case; "panic" and "slow" misbehave on purpose.
type handler struct{}

// Echo is the one method of service Echo.
func (handler) Echo(ctx context.Context, msg string) (string, error) {
	switch msg {
	case "panic":
		panic("echo cannot handle " + msg)
	case "slow":
		<-ctx.Done()
		return "", ctx.Err()
	}
	return strings.ToUpper(msg), nil
}

// counter counts calls and failures as they pass.
type counter struct{ calls, failures atomic.Int64 }

func (c *counter) middleware() thrift.Middleware {
	return motore.MiddlewareFn("metrics", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		c.calls.Add(1)
		res, err := next.Call(ctx, call)
		if err != nil {
			c.failures.Add(1)
		}
		return res, err
	})
}

// serverLog prints each call as the instance called name receives it, with
// the caller's metainfo, and signs the reply with the name as a backward
// metainfo value.
func serverLog(w io.Writer, name string) thrift.Middleware {
	return motore.MiddlewareFn("server-log", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "tenant")
		fmt.Fprintf(w, "    server %s: %s.%s(%q) tenant=%s\n", name, call.Service, call.Method, argMsg(call), tenant)
		metainfo.SendBackwardValue(ctx, "served-by", name)
		return next.Call(ctx, call)
	})
}

// rejectEmpty refuses an empty message before it reaches the handler.
func rejectEmpty() thrift.Middleware {
	return motore.Filter[thrift.Struct](func(_ context.Context, call *thrift.Call) error {
		if argMsg(call) == "" {
			return errEmpty
		}
		return nil
	})
}

func argMsg(call *thrift.Call) string {
	if a, ok := call.Args.(*echo.EchoEchoArgs); ok {
		return a.Msg
	}
	return ""
}

func newServer(w io.Writer, name string, metrics *counter) (*server.Server, error) {
	srv, err := server.New(
		server.WithMiddleware(
			serverLog(w, name),
			metrics.middleware(),
			ratelimit.NewConcurrency[*thrift.Call, thrift.Struct](64),
			motore.CatchPanic[*thrift.Call, thrift.Struct](),
			rejectEmpty(),
		),
		server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
	if err != nil {
		return nil, err
	}
	return srv, echo.RegisterEcho(srv, handler{})
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

// standalone serves Echo on addr until interrupted.
func standalone(w io.Writer, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return serveUntil(ctx, w, ln)
}

// serveUntil serves Echo on ln until ctx ends, then shuts down gracefully.
func serveUntil(ctx context.Context, w io.Writer, ln net.Listener) error {
	var metrics counter
	srv, err := newServer(w, "volo-demo", &metrics)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(w, "serving Echo on %s (TTHeader, Framed, Buffered binary)\n  stack: %s\n", ln.Addr(), srv.Describe())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	<-served
	fmt.Fprintf(w, "served %d calls, %d failures\n", metrics.calls.Load(), metrics.failures.Load())
	return err
}
