package client_test

import (
	"context"
	"io"
	"math"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/client"
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
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(deadlineEcho))
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
			client.WithDialer(d.dial), client.WithoutConnectTimeout())
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

// deafPeer accepts connections on a loopback port, reads the first bytes
// of each, counted in read, and then no more, so that a client's writes
// block once the socket buffers are full. It holds the connections until
// the test ends.
func deafPeer(t *testing.T, read *atomic.Int64) string {
	t.Helper()
	ln := volotest.ListenTCP(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			n, _ := io.ReadFull(c, make([]byte, 1024))
			read.Add(int64(n))
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return ln.Addr().String()
}

func TestCancelEndsACallStuckWriting(t *testing.T) {
	big := strings.Repeat("x", 32<<20) // more than the socket buffers hold
	for _, mux := range []int{0, 1} {
		var read atomic.Int64
		c := echoClient(t, client.WithAddress(deafPeer(t, &read)), client.WithMultiplexing(mux),
			client.WithoutReadWriteTimeout())
		ctx, cancel := context.WithCancel(context.Background())
		writing := make(chan error, 1)
		go func() {
			_, err := c.Echo(ctx, big)
			writing <- err
		}()
		waitUntil(t, "the write to begin", func() bool { return read.Load() > 0 })
		// A second call, queued behind the first one's write when
		// multiplexed, with a context of its own.
		ctx2, cancel2 := context.WithCancel(context.Background())
		queued := make(chan error, 1)
		go func() {
			_, err := c.Echo(ctx2, "small")
			queued <- err
		}()
		// Give the second call time to queue behind the first one's
		// write; it must give up there as well as anywhere before.
		time.Sleep(50 * time.Millisecond)
		cancel2()
		select {
		case err := <-queued:
			assert.ErrorIs(t, err, context.Canceled, "mux %d", mux)
		case <-time.After(10 * time.Second):
			t.Fatalf("mux %d: a cancelled call waits for another call's write", mux)
		}
		cancel()
		select {
		case err := <-writing:
			assert.ErrorIs(t, err, context.Canceled, "mux %d", mux)
		case <-time.After(10 * time.Second):
			t.Fatalf("mux %d: a cancelled call stays blocked writing", mux)
		}
	}
}
