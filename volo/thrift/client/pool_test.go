package client_test

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func upper(_ context.Context, msg string) (string, error) { return strings.ToUpper(msg), nil }

// countingDialer dials TCP and counts the connections made.
// countingDialer counts the connections it makes and keeps the last one.
type countingDialer struct {
	n    atomic.Int64
	last atomic.Pointer[net.Conn]
}

func (d *countingDialer) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.n.Add(1)
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err == nil {
		d.last.Store(&c)
	}
	return c, err
}

func newClient(t *testing.T, opts ...client.Option) *echo.EchoClient {
	t.Helper()
	c, err := client.New("Echo", opts...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &echo.EchoClient{Client: c}
}

func TestPoolReusesConnections(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper))
	var d countingDialer
	e := newClient(t, client.WithAddress(ln.Addr().String()), client.WithDialer(d.dial))
	for range 10 {
		_, err := e.Echo(context.Background(), "x")
		require.NoError(t, err)
	}
	assert.Equal(t, int64(1), d.n.Load())
}

func TestPoolIdleTimeoutAndMaxIdle(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper))
	var d countingDialer
	e := newClient(t, client.WithAddress(ln.Addr().String()), client.WithDialer(d.dial), client.WithMaxIdleTimeout(time.Nanosecond))
	for range 3 {
		_, err := e.Echo(context.Background(), "x")
		require.NoError(t, err)
		time.Sleep(time.Millisecond)
	}
	assert.Equal(t, int64(3), d.n.Load(), "connections idle past the timeout are not reused")

	var d0 countingDialer
	e0 := newClient(t, client.WithAddress(ln.Addr().String()), client.WithDialer(d0.dial), client.WithoutIdleConns())
	for range 3 {
		_, err := e0.Echo(context.Background(), "x")
		require.NoError(t, err)
	}
	assert.Equal(t, int64(3), d0.n.Load(), "no idle connection is kept")
}

func TestPeerClosedConnectionNotHandedOut(t *testing.T) {
	ln := volotest.ListenTCP(t)
	// The server closes connections idle for 20ms; the pool keeps them
	// for 30s, so only the probe can tell.
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), server.WithIdleTimeout(20*time.Millisecond))
	var d countingDialer
	e := newClient(t, client.WithAddress(ln.Addr().String()), client.WithDialer(d.dial))
	_, err := e.Echo(context.Background(), "x")
	require.NoError(t, err)
	pooled := *d.last.Load()
	require.Eventually(t, func() bool { return client.PeerClosed(pooled) }, 10*time.Second, time.Millisecond,
		"the server closes the idle connection")
	_, err = e.Echo(context.Background(), "x")
	require.NoError(t, err)
	assert.Equal(t, int64(2), d.n.Load())
}

func TestPerCallAddress(t *testing.T) {
	a, b := volotest.ListenTCP(t), volotest.ListenTCP(t)
	thrifttest.StartServer(t, a, echo.EchoServiceDesc, thrifttest.EchoFunc(func(context.Context, string) (string, error) { return "a", nil }))
	thrifttest.StartServer(t, b, echo.EchoServiceDesc, thrifttest.EchoFunc(func(context.Context, string) (string, error) { return "b", nil }))
	e := newClient(t, client.WithAddress(a.Addr().String()))
	got, err := e.Echo(context.Background(), "x")
	require.NoError(t, err)
	assert.Equal(t, "a", got)
	got, err = e.Echo(context.Background(), "x", client.WithHostPort(b.Addr().String()))
	require.NoError(t, err)
	assert.Equal(t, "b", got)
}

func TestTimeouts(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		select {
		case <-time.After(10 * time.Second):
		case <-ctx.Done():
			return "", ctx.Err()
		}
		return msg, nil
	}))
	// The read-write timeout is not sent to the server, so only the client
	// times out.
	e := newClient(t, client.WithAddress(ln.Addr().String()), client.WithReadWriteTimeout(50*time.Millisecond))
	_, err := e.Echo(context.Background(), "x")
	require.ErrorIs(t, err, volo.ErrTimeout)

	e = newClient(t, client.WithAddress(ln.Addr().String()), client.WithRPCTimeout(50*time.Millisecond))
	_, err = e.Echo(context.Background(), "x")
	require.ErrorIs(t, err, volo.ErrTimeout)

	e = newClient(t, client.WithAddress(ln.Addr().String()))
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, err = e.Echo(ctx, "x")
	require.ErrorIs(t, err, context.Canceled)

	// A dialer that never connects: the connect timeout ends the wait.
	hang := func(ctx context.Context, _, _ string) (net.Conn, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	e = newClient(t, client.WithAddress("x:1"), client.WithDialer(hang), client.WithConnectTimeout(50*time.Millisecond))
	_, err = e.Echo(context.Background(), "x")
	require.ErrorIs(t, err, volo.ErrTimeout)
	assert.Contains(t, err.Error(), "connecting to x:1")
}

func TestCallWithoutStructs(t *testing.T) {
	e := newClient(t, client.WithAddress("127.0.0.1:1"))
	err := e.Call(context.Background(), echo.EchoEchoMethod, nil, nil)
	require.ErrorIs(t, err, client.ErrInvalidCall)
	require.ErrorContains(t, err, "without an args or result struct")
	err = e.Call(context.Background(), nil, &echo.EchoEchoArgs{}, &echo.EchoEchoResult{})
	require.ErrorIs(t, err, client.ErrInvalidCall)
}
