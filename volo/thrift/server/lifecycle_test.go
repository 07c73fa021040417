package server_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve starts srv on ln and returns a function that waits for Serve.
func serve(t *testing.T, srv *server.Server, ln net.Listener) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	return done
}

// gate is a handler that holds every call until released, and counts the
// calls that reached it.
type gate struct {
	started atomic.Int64
	release chan struct{}
}

func newGate() *gate { return &gate{release: make(chan struct{})} }

func (g *gate) Echo(ctx context.Context, msg string) (string, error) {
	g.started.Add(1)
	select {
	case <-g.release:
		return msg, nil
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestGracefulShutdownFinishesCallsInFlight(t *testing.T) {
	const n = 200
	ln := volotest.ListenTCP(t)
	srv, err := server.New(quiet)
	require.NoError(t, err)
	g := newGate()
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, g))
	served := serve(t, srv, ln)
	e := newEcho(t, ln.Addr().String(), client.WithMaxIdle(n))

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := e.Echo(context.Background(), "in flight")
			if err == nil && got != "in flight" {
				err = errors.New("wrong reply " + got)
			}
			errs <- err
		}()
	}
	waitFor(t, "200 calls in flight", func() bool { return g.started.Load() == n })

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		shut <- srv.Shutdown(ctx)
	}()
	// The listener closes first: once dialling fails, shutdown is under way.
	waitFor(t, "the listener to close", func() bool {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	close(g.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	require.NoError(t, <-shut)
	require.ErrorIs(t, <-served, volo.ErrServerClosed)

	// Every reply carried crrst, so the pool kept no connection: the next
	// call dials, and finds no server.
	_, err = e.Echo(context.Background(), "after")
	require.ErrorIs(t, err, volo.ErrConnection)
}

func TestShutdownDeadlineCutsSlowCalls(t *testing.T) {
	ln := volotest.ListenTCP(t)
	srv, err := server.New(quiet)
	require.NoError(t, err)
	g := newGate() // never released
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, g))
	served := serve(t, srv, ln)
	e := newEcho(t, ln.Addr().String())

	callErr := make(chan error, 1)
	go func() {
		_, err := e.Echo(context.Background(), "too slow")
		callErr <- err
	}()
	waitFor(t, "the call to start", func() bool { return g.started.Load() == 1 })
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, srv.Shutdown(ctx), context.DeadlineExceeded)
	err = <-callErr
	var ae *thrift.ApplicationException
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, thrift.ExceptionInternalError, ae.Type)
	assert.Equal(t, "volo: server shut down before the call finished", ae.Message)
	require.ErrorIs(t, <-served, volo.ErrServerClosed)
}

func TestThousandConnections(t *testing.T) {
	const n = 1000
	ln := volotest.ListenTCP(t)
	g := newGate()
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, g, quiet)
	e := newEcho(t, ln.Addr().String(), client.WithMaxIdle(n))
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := e.Echo(context.Background(), "x"); err != nil {
				failed.Add(1)
				t.Log(err)
			}
		}()
	}
	// All 1000 calls are held at once, so each has a connection of its own.
	waitFor(t, "1000 calls in flight", func() bool { return g.started.Load() == n })
	close(g.release)
	wg.Wait()
	assert.Zero(t, failed.Load())
}

func TestServerRestartUnderPool(t *testing.T) {
	ln := volotest.ListenTCP(t)
	addr := ln.Addr().String()
	srv, err := server.New(quiet)
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(upper)))
	served := serve(t, srv, ln)
	e := newEcho(t, addr, client.WithMaxIdle(8))

	// Fill the pool with several connections.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.Echo(context.Background(), "warm")
			assert.NoError(t, err)
		}()
	}
	wg.Wait()

	require.NoError(t, srv.Close())
	require.ErrorIs(t, <-served, volo.ErrServerClosed)
	ln2, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	thrifttest.StartServer(t, ln2, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet)

	for range 20 {
		got, err := e.Echo(context.Background(), "again")
		require.NoError(t, err, "a stale pooled connection was handed out")
		assert.Equal(t, "AGAIN", got)
	}
}

func TestMaxConns(t *testing.T) {
	ln := volotest.ListenTCP(t)
	g := newGate()
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, g, quiet, server.WithMaxConns(1))
	e := newEcho(t, ln.Addr().String())
	first := make(chan error, 1)
	go func() {
		_, err := e.Echo(context.Background(), "first")
		first <- err
	}()
	waitFor(t, "the first call", func() bool { return g.started.Load() == 1 })
	_, err := e.Echo(context.Background(), "second")
	require.ErrorIs(t, err, volo.ErrConnection)
	close(g.release)
	require.NoError(t, <-first)
}

func TestIdleTimeout(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet, server.WithIdleTimeout(50*time.Millisecond))
	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = c.Read(make([]byte, 1))
	require.Error(t, err)
	var ne net.Error
	assert.False(t, errors.As(err, &ne) && ne.Timeout(), "the server should have closed the idle connection: %v", err)
}
