// Command demo starts a volo Thrift server and a client in one process,
// each with a motore middleware stack, prints both stacks' descriptions, and
// calls the Echo service (`service Echo { string echo(1: string msg) }`)
// with requests that succeed, fail with a business error, panic and time
// out.
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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/client"
	"github.com/govolo/volo/volo/server"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest"
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

// echo is the handler: it answers msg in upper case, signed with the
// caller's tenant; "panic" and "slow" misbehave on purpose.
func echo(ctx context.Context, msg string) (string, error) {
	switch msg {
	case "panic":
		panic("echo cannot handle " + msg)
	case "slow":
		<-ctx.Done()
		return "", ctx.Err()
	}
	metainfo.SendBackwardValue(ctx, "served-by", "volo-demo")
	return strings.ToUpper(msg), nil
}

// echoService describes Echo to the server, as generated code will.
var echoService = &volo.ServiceDesc{
	Name: "Echo",
	Methods: map[string]volo.MethodDesc{
		"echo": {
			NewArgs: func() thrift.Struct { return new(thrifttest.EchoArgs) },
			Handler: func(ctx context.Context, _ any, args thrift.Struct) (thrift.Struct, error) {
				r, err := echo(ctx, args.(*thrifttest.EchoArgs).Msg)
				if err != nil {
					return nil, err
				}
				return &thrifttest.EchoResult{Success: &r}, nil
			},
		},
	},
}

// counter counts calls and failures as they pass.
type counter struct{ calls, failures atomic.Int64 }

func (c *counter) middleware() volo.Middleware {
	return motore.MiddlewareFn("metrics", func(ctx context.Context, call *volo.Call, next volo.Service) (thrift.Struct, error) {
		c.calls.Add(1)
		res, err := next.Call(ctx, call)
		if err != nil {
			c.failures.Add(1)
		}
		return res, err
	})
}

// serverLog prints each call as the server receives it, with the caller's
// metainfo.
func serverLog(w io.Writer) volo.Middleware {
	return motore.MiddlewareFn("server-log", func(ctx context.Context, call *volo.Call, next volo.Service) (thrift.Struct, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "tenant")
		fmt.Fprintf(w, "    server: %s.%s(%q) tenant=%s\n", call.Service, call.Method, argMsg(call), tenant)
		return next.Call(ctx, call)
	})
}

// rejectEmpty refuses an empty message before it reaches the handler.
func rejectEmpty() volo.Middleware {
	return motore.Filter[thrift.Struct](func(_ context.Context, call *volo.Call) error {
		if argMsg(call) == "" {
			return errEmpty
		}
		return nil
	})
}

func argMsg(call *volo.Call) string {
	if a, ok := call.Args.(*thrifttest.EchoArgs); ok {
		return a.Msg
	}
	return ""
}

// clientLog prints each call and its outcome as the caller sees it.
func clientLog(w io.Writer) volo.Middleware {
	return motore.MiddlewareFn("client-log", func(ctx context.Context, call *volo.Call, next volo.Service) (thrift.Struct, error) {
		fmt.Fprintf(w, "  call %q\n", argMsg(call))
		res, err := next.Call(ctx, call)
		if err != nil {
			fmt.Fprintf(w, "    client: error: %s\n", describeErr(err))
			return res, err
		}
		by, _ := metainfo.RecvBackwardValue(ctx, "served-by")
		fmt.Fprintf(w, "    client: %q (served-by=%s)\n", *res.(*thrifttest.EchoResult).Success, by)
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
		return fmt.Sprintf("exception (%s): %s", ae.Type, ae.Message)
	}
	return err.Error()
}

func newServer(w io.Writer, metrics *counter) (*server.Server, error) {
	srv, err := server.New(
		server.WithMiddleware(serverLog(w), metrics.middleware(), motore.CatchPanic[*volo.Call, thrift.Struct](), rejectEmpty()),
		server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	)
	if err != nil {
		return nil, err
	}
	return srv, srv.RegisterService(echoService, nil)
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
	var metrics counter
	srv, err := newServer(w, &metrics)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	c, err := client.New("Echo",
		client.WithAddress(ln.Addr().String()),
		client.WithMiddleware(clientLog(w), motore.Timeout[*volo.Call, thrift.Struct](timeout)),
	)
	if err != nil {
		srv.Close()
		return err
	}
	defer c.Close()

	fmt.Fprintf(w, "server stack: %s\n", srv.Describe())
	fmt.Fprintf(w, "client stack: %s\n", c.Describe())
	fmt.Fprintln(w, "calls (tenant=acme travels as persistent metainfo):")
	ctx := metainfo.WithPersistentValue(context.Background(), "tenant", "acme")
	for _, msg := range []string{"hello", "", "panic", "slow", "volo"} {
		var res thrifttest.EchoResult
		ctx := metainfo.WithBackwardValues(ctx)
		err := c.Call(ctx, "echo", &thrifttest.EchoArgs{Msg: msg}, &res)
		var be *volo.BizError
		var ae *thrift.ApplicationException
		switch {
		case err == nil, errors.As(err, &be), errors.As(err, &ae), errors.Is(err, motore.ErrTimeout), errors.Is(err, volo.ErrTimeout):
		default:
			srv.Close()
			return fmt.Errorf("unexpected error for %q: %w", msg, err)
		}
	}
	// Shutdown waits for the slow call's handler, so the counts are final.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-served; !errors.Is(err, volo.ErrServerClosed) {
		return err
	}
	fmt.Fprintf(w, "server metrics: %d calls, %d failures\n", metrics.calls.Load(), metrics.failures.Load())
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
	srv, err := newServer(w, &metrics)
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
