// Command thrifttest-server serves Apache Thrift's cross-language test
// services, ThriftTest and SecondService of test/ThriftTest.thrift, with
// volo's server and the semantics of Apache's own test servers (see
// package interop/thrifttest), so that any Thrift client can be checked
// against volo:
//
//	thrifttest-server -addr 127.0.0.1:9090 -transport framed
//
// -transport says which clients the server is meant for: framed, buffered
// or ttheader (binary protocol in each). volo's server tells the framing
// of each connection from its first bytes and answers in kind, so it
// serves all of them, and TTHeaderFramed too, whichever is given. The
// command prints the address it listens on and shuts down gracefully on
// SIGINT or SIGTERM.
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
	"syscall"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/server"

	"github.com/govolo/volo/interop/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// shutdownTimeout bounds the graceful shutdown: a testOneway still asleep
// is cut short after it.
const shutdownTimeout = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// transports are the values of -transport.
var transports = map[string]bool{"framed": true, "buffered": true, "ttheader": true}

// run serves until ctx ends and returns the exit code: 0 after a clean
// shutdown, 1 when serving fails, 2 for bad flags.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("thrifttest-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "the `host:port` to listen on (port 0 picks one)")
	transport := fs.String("transport", "framed", "the clients' transport: framed, buffered or ttheader (all are served)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !transports[*transport] || fs.NArg() > 0 {
		fmt.Fprintf(stderr, "thrifttest-server: -transport must be framed, buffered or ttheader, not %q, and no arguments follow the flags\n", *transport)
		fs.Usage()
		return 2
	}
	if err := serve(ctx, *addr, *transport, stdout); err != nil {
		fmt.Fprintln(stderr, "thrifttest-server:", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, addr, transport string, stdout io.Writer) error {
	srv, err := server.New()
	if err != nil {
		return err
	}
	if err := gen.RegisterThriftTest(srv, &thrifttest.Handler{}); err != nil {
		return err
	}
	if err := gen.RegisterSecondService(srv, thrifttest.SecondHandler{}); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "thrifttest-server: %s clients, listening on %s\n", transport, ln.Addr())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, volo.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	fmt.Fprintln(stdout, "thrifttest-server: shut down")
	return err
}
