package client_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func TestMaxConnsPerAddrQueuesCallsOnTheCap(t *testing.T) {
	ln := &countingListener{Listener: listenTCP(t)}
	var inFlight, most atomic.Int64
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		return msg, nil
	}))
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMaxConnsPerAddr(2))

	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if _, err := c.Echo(ctx, "hi"); err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Zero(t, failed.Load())
	assert.LessOrEqual(t, ln.accepted.Load(), int32(2), "connections opened")
	assert.LessOrEqual(t, most.Load(), int64(2), "calls in flight at the server")
}

func TestMaxConnsPerAddrWaitEndsAtTheDeadline(t *testing.T) {
	ln := listenTCP(t)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		started <- struct{}{}
		<-release
		return msg, nil
	}))
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMaxConnsPerAddr(1))

	held := make(chan error, 1)
	go func() {
		_, err := c.Echo(context.Background(), "hold")
		held <- err
	}()
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Echo(ctx, "waits")
	require.Error(t, err)
	assert.ErrorIs(t, err, volo.ErrTimeout)
	assert.True(t, discovery.IsConnectionError(err), "a call that waited was not sent, so a balancer may send it elsewhere: %v", err)

	canceled, stop := context.WithCancel(context.Background())
	stop()
	_, err = c.Echo(canceled, "canceled")
	assert.ErrorIs(t, err, context.Canceled)

	close(release)
	require.NoError(t, <-held)
	// The connection is back: the next call takes it.
	answer, err := c.Echo(context.Background(), "after")
	require.NoError(t, err)
	assert.Equal(t, "after", answer)
}
