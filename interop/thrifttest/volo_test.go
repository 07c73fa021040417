package thrifttest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"

	"github.com/govolo/volo/interop/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// shortSecond is the handlers' second in tests, so that testOneway(1)
// sleeps briefly.
const shortSecond = 20 * time.Millisecond

// onewayHandler returns a handler that reports each testOneway it served.
func onewayHandler() (*thrifttest.Handler, <-chan int32) {
	done := make(chan int32, 16)
	return &thrifttest.Handler{Second: shortSecond, OnewayDone: func(s int32) { done <- s }}, done
}

// startVolo serves h and SecondService on a loopback port and shuts the
// server down when the test ends. It returns the address.
func startVolo(t *testing.T, h *thrifttest.Handler) string {
	t.Helper()
	return startWith(t, h)
}

// startWith is startVolo for any implementation of ThriftTest.
func startWith(t *testing.T, h gen.ThriftTest) string {
	t.Helper()
	srv, err := server.New()
	require.NoError(t, err)
	require.NoError(t, gen.RegisterThriftTest(srv, h))
	require.NoError(t, gen.RegisterSecondService(srv, thrifttest.SecondHandler{}))
	ln := volotest.ListenTCP(t)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		assert.NoError(t, srv.Shutdown(ctx))
		assert.ErrorIs(t, <-served, volo.ErrServerClosed)
	})
	return ln.Addr().String()
}

// waitOneway waits for the handler to report the driver's testOneway(1).
func waitOneway(t *testing.T, done <-chan int32) {
	t.Helper()
	select {
	case s := <-done:
		assert.Equal(t, int32(1), s)
	case <-time.After(5 * time.Second):
		t.Fatal("the server never served testOneway")
	}
}

// runDriver runs the whole sequence and reports each failure on its own.
func runDriver(t *testing.T, c thrifttest.Client, opts ...thrifttest.Option) {
	t.Helper()
	var log strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := thrifttest.Run(ctx, c, append(opts, thrifttest.WithLog(&log))...)
	if err != nil {
		for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			t.Error(e)
		}
	}
	if t.Failed() {
		t.Log("\n" + log.String())
	}
}

var framings = []frame.Framing{frame.Framed, frame.Buffered, frame.TTHeader, frame.TTHeaderFramed}

func TestVoloClientVoloServer(t *testing.T) {
	h, oneways := onewayHandler()
	addr := startVolo(t, h)
	for _, f := range framings {
		for _, mux := range []bool{false, true} {
			name := f.String() + map[bool]string{false: "/pooled", true: "/multiplexed"}[mux]
			t.Run(name, func(t *testing.T) {
				opts := []client.Option{client.WithAddress(addr), client.WithFraming(f)}
				if mux {
					opts = append(opts, client.WithMultiplexing(1))
				}
				c, err := gen.NewThriftTestClient(opts...)
				require.NoError(t, err)
				defer c.Close()
				runDriver(t, thrifttest.NewVoloClient(c))
				waitOneway(t, oneways)
			})
		}
	}
}

func TestVoloClientCatchesVoloExceptions(t *testing.T) {
	addr := startVolo(t, &thrifttest.Handler{})
	c, err := gen.NewThriftTestClient(client.WithAddress(addr))
	require.NoError(t, err)
	defer c.Close()
	err = c.TestException(context.Background(), "Xception")
	var x *gen.Xception
	require.ErrorAs(t, err, &x)
	assert.Equal(t, &gen.Xception{ErrorCode: 1001, Message: "Xception"}, x)
	err = c.TestException(context.Background(), "TException")
	var ae *thrift.ApplicationException
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, thrift.ExceptionInternalError, ae.Type, "what Apache's servers send for a handler's error")
	assert.Contains(t, ae.Message, thrifttest.ErrTException.Error())
	assert.False(t, errors.As(err, &x))
}
