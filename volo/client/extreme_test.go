package client_test

import (
	"context"
	"math"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/client"
	"github.com/govolo/volo/volo/volotest"
)

// deadlineEcho answers with how far off its context's deadline is.
func deadlineEcho(ctx context.Context, _ string) (string, error) {
	d, ok := ctx.Deadline()
	if !ok {
		return "none", nil
	}
	if time.Until(d) < time.Hour {
		return "short: " + time.Until(d).String(), nil
	}
	return "long", nil
}

func TestFarDeadlinesReachTheServerIntact(t *testing.T) {
	ln := volotest.ListenTCP(t)
	volotest.StartServer(t, ln, volotest.EchoService, volotest.EchoFunc(deadlineEcho))
	for _, mux := range []int{0, 1} {
		c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(mux),
			client.WithRPCTimeout(math.MaxInt64))
		got, err := c.Echo(context.Background(), "x")
		require.NoError(t, err, "mux %d", mux)
		assert.Equal(t, "long", got, "mux %d: rpc timeout of MaxInt64", mux)

		c = echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(mux))
		for _, far := range []time.Time{
			time.Now().Add(200 * 365 * 24 * time.Hour),
			time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		} {
			ctx, cancel := context.WithDeadline(context.Background(), far)
			got, err := c.Echo(ctx, "x")
			cancel()
			require.NoError(t, err, "mux %d, deadline %v", mux, far)
			assert.Equal(t, "long", got, "mux %d, deadline %v", mux, far)
		}
	}
}

// stallingDialer blocks every dial until its context ends; started gets a
// value as each dial begins.
type stallingDialer struct{ started chan struct{} }

func (d *stallingDialer) dial(ctx context.Context, _, _ string) (net.Conn, error) {
	d.started <- struct{}{}
	<-ctx.Done()
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: ctx.Err()}
}

func TestCancelledWhileConnectingIsNotATimeout(t *testing.T) {
	for _, mux := range []int{0, 1} {
		d := &stallingDialer{started: make(chan struct{}, 2)}
		c := echoClient(t, client.WithAddress("10.0.0.1:1"), client.WithMultiplexing(mux),
			client.WithDialer(d.dial), client.WithConnectTimeout(0))
		ctx, cancel := context.WithCancel(context.Background())
		call := func() <-chan error {
			errs := make(chan error, 1)
			go func() {
				_, err := c.Echo(ctx, "x")
				errs <- err
			}()
			return errs
		}
		dialing := call()
		<-d.started
		var waiting <-chan error
		if mux > 0 {
			// A second call waits for the first one's dial, or sees ctx
			// cancelled before it starts.
			waiting = call()
		}
		cancel()
		err := <-dialing
		assert.ErrorIs(t, err, context.Canceled, "mux %d", mux)
		assert.NotErrorIs(t, err, volo.ErrTimeout, "mux %d", mux)
		assert.ErrorIs(t, err, discovery.ErrConnection, "mux %d: not sent, so a balancer may retry", mux)
		if waiting != nil {
			err := <-waiting
			assert.ErrorIs(t, err, context.Canceled)
			assert.NotErrorIs(t, err, volo.ErrTimeout)
		}
	}
}
