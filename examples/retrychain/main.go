// Command retrychain shows that retries in every service of a chain need
// not multiply. Three volo Thrift services run on loopback, top -> middle
// -> bottom, and the bottom always fails with "unavailable". A client calls
// the top, and the top and the middle call the next service, each through
// a volo client with ext/retry's layer (client.WithRetry): four attempts,
// retrying "unavailable".
//
//	go run ./examples/retrychain
//
// With the storm guards of ext/retry (a budget per target, chain stop,
// overload stop), the bottom sees at most 1.2 calls for each call into the
// top: only the middle, just above the failing service, retries, within its
// budget of 20%, and its give-up ("resource_exhausted") tells the callers
// above not to retry. Without them, as with plain retries, the bottom sees
// 4 × 4 × 4 = 64.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "retrychain:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	fmt.Fprintln(w, "client -> top -> middle -> bottom (always unavailable); every hop retries up to 4 attempts")
	for _, run := range []struct {
		name    string
		guarded bool
		calls   int
	}{
		{"with ext/retry's guards (budget 20% per target, chain stop, overload stop)", true, 200},
		{"without them (plain retries)", false, 10},
	} {
		c, err := startChain(run.guarded)
		if err != nil {
			return err
		}
		err = c.call(run.calls)
		c.close()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s:\n  %d calls: the top saw %d, the middle %d, the bottom %d (%.2f per call), %d of them retries\n",
			run.name, run.calls, c.top.Load(), c.middle.Load(), c.bottom.Load(),
			float64(c.bottom.Load())/float64(run.calls), c.bottomRetries.Load())
	}
	return nil
}

// chain is the three services and the client of the top.
type chain struct {
	top, middle, bottom, bottomRetries atomic.Int64

	client  *echo.EchoClient
	clients []*client.Client
	servers []*server.Server
	served  []chan struct{}
}

// policy is each hop's: four attempts, with short waits.
var policy = retry.Policy{MaxAttempts: 4, InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}

// layer returns a hop's retry layer. Guarded, it retries "unavailable"
// within a budget of its own target; unguarded, it retries every error,
// as plain retries do.
func layer(guarded bool) thrift.Middleware {
	if guarded {
		return retry.New[*thrift.Call, thrift.Struct](retry.RetryOnCodes[thrift.Struct]("unavailable"),
			retry.WithPolicy(policy),
			retry.WithBudget(retry.NewBudget(10*time.Second, 0, 0.2)),
		)
	}
	return retry.New[*thrift.Call, thrift.Struct](func(_ context.Context, _ thrift.Struct, err error, _ retry.Policy) bool { return err != nil },
		retry.WithPolicy(policy),
		retry.WithoutBudget(), retry.WithoutChainStop(), retry.WithoutOverloadStop(),
	)
}

// startChain starts the bottom, the middle and the top, each calling the
// next, and the client of the top.
func startChain(guarded bool) (*chain, error) {
	c := &chain{}
	bottom, err := c.serve(func(ctx context.Context, msg string) (string, error) {
		c.bottom.Add(1)
		if _, ok := retry.Retried(ctx); ok {
			c.bottomRetries.Add(1)
		}
		return "", volo.Errorf(volo.CodeUnavailable, "bottom is down")
	})
	if err != nil {
		return nil, err
	}
	toBottom, err := c.dial(bottom, guarded)
	if err != nil {
		return nil, err
	}
	middle, err := c.serve(func(ctx context.Context, msg string) (string, error) {
		c.middle.Add(1)
		return toBottom.Echo(ctx, msg)
	})
	if err != nil {
		return nil, err
	}
	toMiddle, err := c.dial(middle, guarded)
	if err != nil {
		return nil, err
	}
	top, err := c.serve(func(ctx context.Context, msg string) (string, error) {
		c.top.Add(1)
		return toMiddle.Echo(ctx, msg)
	})
	if err != nil {
		return nil, err
	}
	if c.client, err = c.dial(top, guarded); err != nil {
		return nil, err
	}
	return c, nil
}

// call makes n calls into the top, one after another; every one fails.
func (c *chain) call(n int) error {
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := c.client.Echo(ctx, "hello")
		cancel()
		if err == nil {
			return errors.New("a call into a failing chain succeeded")
		}
		if errors.Is(err, volo.ErrTimeout) {
			return err
		}
	}
	return nil
}

// handler adapts a function to the Echo service.
type handler func(ctx context.Context, msg string) (string, error)

func (h handler) Echo(ctx context.Context, msg string) (string, error) { return h(ctx, msg) }

// serve starts an Echo server on loopback and returns its address.
func (c *chain) serve(h handler) (string, error) {
	srv, err := server.New()
	if err != nil {
		return "", err
	}
	if err := echo.RegisterEcho(srv, h); err != nil {
		return "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	c.servers, c.served = append(c.servers, srv), append(c.served, done)
	return ln.Addr().String(), nil
}

// dial returns a client of the Echo server at addr, with a hop's retry
// layer.
func (c *chain) dial(addr string, guarded bool) (*echo.EchoClient, error) {
	cl, err := echo.NewEchoClient(client.WithAddress(addr), client.WithRetry(layer(guarded)))
	if err != nil {
		return nil, err
	}
	c.clients = append(c.clients, cl.Client)
	return cl, nil
}

func (c *chain) close() {
	for _, cl := range c.clients {
		_ = cl.Close()
	}
	for i, srv := range c.servers {
		_ = srv.Close()
		<-c.served[i]
	}
}
