// Command demo starts two instances of a volo Thrift server and a client in
// one process, each with a motore middleware stack, prints the stacks'
// descriptions, and calls the Echo service
// (`service Echo { string echo(1: string msg) }`) with requests that
// succeed, fail with a business error, panic and time out. The client
// spreads its calls over the instances with ext/discovery's balancer and
// keeps an ext/circuitbreaker breaker per instance; the servers cap their
// calls in flight with ext/ratelimit. Then one instance stops, and the
// client's calls carry on on the other.
//
//	go run ./examples/demo
//
// With -addr it runs only the server, so that any Thrift client (Apache's,
// Kitex's) can call it over TTHeader, Framed or Buffered binary:
//
//	go run ./examples/demo -addr 127.0.0.1:8888
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func main() {
	addr := flag.String("addr", "", "serve Echo on this address until interrupted, instead of running the demo")
	timeout := flag.Duration("timeout", 50*time.Millisecond, "per-call timeout of the client stack")
	flag.Parse()
	var err error
	if *addr != "" {
		err = standalone(os.Stdout, *addr)
	} else {
		err = run(os.Stdout, *timeout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
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

// clientLog prints each call and its outcome as the caller sees it.
func clientLog(w io.Writer) thrift.Middleware {
	return motore.MiddlewareFn("client-log", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		fmt.Fprintf(w, "  call %q\n", argMsg(call))
		res, err := next.Call(ctx, call)
		if err != nil {
			fmt.Fprintf(w, "    client: error: %s\n", describeErr(err))
			return res, err
		}
		by, _ := metainfo.RecvBackwardValue(ctx, "served-by")
		fmt.Fprintf(w, "    client: %q (served-by=%s)\n", *res.(*echo.EchoEchoResult).Success, by)
		return res, err
	})
}

// describeErr names an error by its kind, as a caller would branch on it.
func describeErr(err error) string {
	var be *volo.BizError
	var ae *thrift.ApplicationException
	switch {
	case errors.Is(err, motore.ErrTimeout), errors.Is(err, volo.ErrTimeout):
		return "timeout"
	case errors.As(err, &be):
		return fmt.Sprintf("business error %d: %s", be.Status, be.Message)
	case errors.As(err, &ae):
		return fmt.Sprintf("exception (%s, code %s): %s", ae.Type, volo.CodeOf(err), ae.Message)
	}
	return err.Error()
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

// instance is one server of the demo.
type instance struct {
	name    string
	addr    string
	srv     *server.Server
	served  chan error
	metrics counter
}

// start serves Echo as the instance on ln.
func (in *instance) start(w io.Writer, ln net.Listener) error {
	srv, err := newServer(w, in.name, &in.metrics)
	if err != nil {
		ln.Close()
		return err
	}
	in.srv, in.addr, in.served = srv, ln.Addr().String(), make(chan error, 1)
	go func() { in.served <- srv.Serve(ln) }()
	return nil
}

// stop shuts the instance down, waiting for its calls to end.
func (in *instance) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := in.srv.Shutdown(ctx); err != nil {
		return err
	}
	if err := <-in.served; !errors.Is(err, volo.ErrServerClosed) {
		return err
	}
	return nil
}

// startInstances starts two instances on loopback, named a and b in the
// order of their addresses, which is the order the balancer takes them in.
func startInstances(w io.Writer) ([]*instance, error) {
	var lns []net.Listener
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, err
		}
		lns = append(lns, ln)
	}
	slices.SortFunc(lns, func(x, y net.Listener) int { return strings.Compare(x.Addr().String(), y.Addr().String()) })
	var ins []*instance
	for i, ln := range lns {
		in := &instance{name: string(rune('a' + i))}
		if err := in.start(w, ln); err != nil {
			for _, started := range ins {
				started.srv.Close()
			}
			for _, l := range lns[i+1:] {
				l.Close()
			}
			return nil, err
		}
		ins = append(ins, in)
	}
	return ins, nil
}

// attemptLog prints an attempt the balancer will retry elsewhere: one whose
// connection could not be made.
func attemptLog(w io.Writer, names map[string]string) thrift.Middleware {
	return motore.MiddlewareFn("attempt-log", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		res, err := next.Call(ctx, call)
		if errors.Is(err, discovery.ErrConnection) {
			in, _ := discovery.InstanceFromContext(ctx)
			fmt.Fprintf(w, "    client: %s refused the connection; the balancer tries another instance\n", names[in.Addr])
		}
		return res, err
	})
}

func run(out io.Writer, timeout time.Duration) error {
	w := &lockedWriter{w: out}
	ins, err := startInstances(w)
	if err != nil {
		return err
	}
	running := slices.Clone(ins)
	defer func() {
		for _, in := range running {
			in.srv.Close()
		}
	}()
	names := map[string]string{}
	var static []discovery.Instance
	for _, in := range ins {
		names[in.addr] = in.name
		static = append(static, discovery.Instance{Addr: in.addr})
	}

	bctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	bal, err := discovery.NewBalancer(bctx, discovery.NewStatic(static...), "Echo", discovery.WithPolicy(discovery.RoundRobin()))
	if err != nil {
		return err
	}
	defer bal.Close()
	breakers := circuitbreaker.NewGroup[*thrift.Call, thrift.Struct](func(ctx context.Context, _ *thrift.Call) string {
		in, _ := discovery.InstanceFromContext(ctx)
		return names[in.Addr]
	}, nil, circuitbreaker.WithoutIdleTimeout())

	c, err := echo.NewEchoClient(
		client.WithMiddleware(clientLog(w), motore.Timeout[*thrift.Call, thrift.Struct](timeout)),
		client.WithBalancer(bal),
		client.WithInstanceMiddleware(attemptLog(w, names), breakers),
	)
	if err != nil {
		return err
	}
	defer c.Close()

	fmt.Fprintf(w, "server stack: %s\n", ins[0].srv.Describe())
	fmt.Fprintf(w, "client stack: %s\n", c.Describe())
	fmt.Fprintln(w, "calls to instances a and b (tenant=acme travels as persistent metainfo):")
	ctx := metainfo.WithPersistentValue(context.Background(), "tenant", "acme")
	call := func(msg string) error {
		ctx := metainfo.WithBackwardValues(ctx)
		_, err := c.Echo(ctx, msg)
		var be *volo.BizError
		var ae *thrift.ApplicationException
		switch {
		case err == nil, errors.As(err, &be), errors.As(err, &ae), errors.Is(err, motore.ErrTimeout), errors.Is(err, volo.ErrTimeout):
			return nil
		}
		return fmt.Errorf("unexpected error for %q: %w", msg, err)
	}
	for _, msg := range []string{"hello", "", "panic", "slow", "volo"} {
		if err := call(msg); err != nil {
			return err
		}
	}
	// Shutdown waits for the slow call's handler, so b's counts are final.
	fmt.Fprintln(w, "instance b stops; the balancer still lists it:")
	if err := ins[1].stop(); err != nil {
		return err
	}
	running = running[:1]
	for _, msg := range []string{"again", "still"} {
		if err := call(msg); err != nil {
			return err
		}
	}
	if err := ins[0].stop(); err != nil {
		return err
	}
	running = nil

	fmt.Fprintln(w, "client breakers, per instance:")
	for _, s := range breakers.Snapshots() {
		fmt.Fprintf(w, "  %s: %s, %d succeeded, %d failed, %d ignored\n", s.Key, s.State, s.Counts.Successes, s.Counts.Failures, s.Counts.Ignored)
	}
	for _, in := range ins {
		fmt.Fprintf(w, "server %s metrics: %d calls, %d failures\n", in.name, in.metrics.calls.Load(), in.metrics.failures.Load())
	}
	return nil
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
