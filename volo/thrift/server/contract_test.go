package server_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// shouter implements echo.Shout: it throws the declared EchoError for an
// empty message and hands what Notify gets to a channel.
type shouter struct {
	notified chan string
	release  chan struct{} // when set, Notify waits for it
}

func newShouter() *shouter { return &shouter{notified: make(chan string, 16)} }

func (s *shouter) Echo(_ context.Context, msg string) (string, error) { return msg, nil }

func (s *shouter) Shout(_ context.Context, msg string) (string, error) {
	if msg == "" {
		return "", &echo.EchoError{Message: "nothing to shout"}
	}
	return strings.ToUpper(msg), nil
}

func (s *shouter) Notify(_ context.Context, msg string) error {
	if s.release != nil {
		<-s.release
	}
	s.notified <- msg
	return nil
}

// outcome is what a layer saw of one call.
type outcome struct {
	res thrift.Struct
	err error
}

// recording returns a layer that hands each call's outcome to out.
func recording(out chan<- outcome) thrift.Middleware {
	return motore.MiddlewareFn("record", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		res, err := next.Call(ctx, call)
		out <- outcome{res, err}
		return res, err
	})
}

func framings() []frame.Framing {
	return []frame.Framing{frame.TTHeader, frame.TTHeaderFramed, frame.Framed, frame.Buffered}
}

// A declared exception travels as the result's field, and the layers on
// both sides see it as the call's error.
func TestDeclaredExceptionIsAFailureToLayers(t *testing.T) {
	serverSaw := make(chan outcome, 1)
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.ShoutServiceDesc, newShouter(), quiet, server.WithMiddleware(recording(serverSaw)))
	for _, f := range framings() {
		clientSaw := make(chan outcome, 1)
		c, err := echo.NewShoutClient(client.WithAddress(ln.Addr().String()), client.WithFraming(f),
			client.WithMiddleware(recording(clientSaw)))
		require.NoError(t, err)

		_, err = c.Shout(context.Background(), "")
		var ee *echo.EchoError
		require.ErrorAs(t, err, &ee, f)
		assert.Equal(t, "nothing to shout", ee.Message)

		s := <-serverSaw
		assert.ErrorAs(t, s.err, &ee, "the server's layers see the exception as the error")
		require.IsType(t, &echo.ShoutShoutResult{}, s.res)
		assert.NotNil(t, s.res.(*echo.ShoutShoutResult).Err)

		cs := <-clientSaw
		assert.ErrorAs(t, cs.err, &ee, "the client's layers see it too")
		require.IsType(t, &echo.ShoutShoutResult{}, cs.res, "with the result it came in")
		assert.Equal(t, "nothing to shout", cs.res.(*echo.ShoutShoutResult).Err.Message)
		assert.Equal(t, volo.CodeUnknown, volo.CodeOf(err))

		got, err := c.Shout(context.Background(), "hi")
		require.NoError(t, err)
		assert.Equal(t, "HI", got)
		s, cs = <-serverSaw, <-clientSaw
		assert.NoError(t, s.err)
		assert.NoError(t, cs.err)
		require.NoError(t, c.Close())
	}
}

// The server dispatches through the descriptor it decoded the args with:
// renaming the call does not reach another handler, and swapping the
// descriptor is refused with an error, not a panic.
func TestDispatchThroughTheResolvedDescriptor(t *testing.T) {
	rename := motore.MiddlewareFn("rename", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		switch call.Args.(*echo.EchoEchoArgs).Msg {
		case "rename":
			call.Method = "shout"
		case "swap":
			call.Desc = echo.ShoutShoutMethod
		}
		return next.Call(ctx, call)
	})
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.ShoutServiceDesc, newShouter(), quiet, server.WithMiddleware(rename))
	c, err := echo.NewShoutClient(client.WithAddress(ln.Addr().String()))
	require.NoError(t, err)
	defer c.Close()

	got, err := c.Echo(context.Background(), "rename")
	require.NoError(t, err)
	assert.Equal(t, "rename", got, "echo's handler answered, not shout's")

	_, err = c.Echo(context.Background(), "swap")
	var ae *thrift.ApplicationException
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, volo.CodeInternal, volo.CodeOf(err))
	assert.Contains(t, ae.Message, "handler called with the implementation or args of another method")

	got, err = c.Echo(context.Background(), "after")
	require.NoError(t, err, "the server is still up")
	assert.Equal(t, "after", got)
}

// A oneway call returns once it is written, on every framing, pooled or
// multiplexed; the server runs it and sends nothing back, so the calls
// after it on the same connection get their own replies.
func TestOneway(t *testing.T) {
	impl := newShouter()
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.ShoutServiceDesc, impl, quiet)
	for _, f := range framings() {
		for _, mux := range []int{0, 1} {
			c, err := echo.NewShoutClient(client.WithAddress(ln.Addr().String()), client.WithFraming(f),
				client.WithMultiplexing(mux), client.WithMaxIdle(1))
			require.NoError(t, err)
			for i := range 3 {
				require.NoError(t, c.Notify(context.Background(), "note"), "%v mux %d call %d", f, mux, i)
				got, err := c.Shout(context.Background(), "after")
				require.NoError(t, err, "%v mux %d", f, mux)
				assert.Equal(t, "AFTER", got)
				select {
				case msg := <-impl.notified:
					assert.Equal(t, "note", msg)
				case <-time.After(5 * time.Second):
					t.Fatalf("%v mux %d: the server never ran the oneway call", f, mux)
				}
			}
			require.NoError(t, c.Close())
		}
	}
}

// The client does not wait for a oneway handler, which may still run.
func TestOnewayDoesNotWaitForTheHandler(t *testing.T) {
	impl := newShouter()
	impl.release = make(chan struct{})
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.ShoutServiceDesc, impl, quiet)
	c, err := echo.NewShoutClient(client.WithAddress(ln.Addr().String()), client.WithRPCTimeout(time.Second))
	require.NoError(t, err)
	defer c.Close()
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, c.Notify(context.Background(), "held"))
		}()
	}
	wg.Wait()
	close(impl.release)
	for range 3 {
		assert.Equal(t, "held", <-impl.notified)
	}
}

// A oneway call with a nil result is fine; a two-way one is refused
// before anything is sent.
func TestOnewayNeedsNoResult(t *testing.T) {
	// Nothing listens on port 1: the dial is refused at once. The timeout
	// only bounds a machine that drops instead.
	c, err := client.New("Shout", client.WithAddress("127.0.0.1:1"), client.WithConnectTimeout(10*time.Second))
	require.NoError(t, err)
	defer c.Close()
	err = c.Call(context.Background(), echo.ShoutShoutMethod, &echo.ShoutShoutArgs{}, nil)
	assert.ErrorIs(t, err, client.ErrInvalidCall)
	err = c.Call(context.Background(), echo.ShoutNotifyMethod, &echo.ShoutNotifyArgs{}, nil)
	assert.False(t, errors.Is(err, client.ErrInvalidCall), "a oneway call needs no result: %v", err)
	assert.ErrorIs(t, err, volo.ErrConnection, "it fails to connect instead")
}

// A client of the extending service calls the inherited method, routed
// to the extending service's implementation.
func TestExtends(t *testing.T) {
	ln := volotest.ListenTCP(t)
	srv, err := server.New(quiet)
	require.NoError(t, err)
	require.NoError(t, echo.RegisterEcho(srv, thrifttest.EchoFunc(func(context.Context, string) (string, error) { return "plain echo", nil })))
	require.NoError(t, echo.RegisterShout(srv, newShouter()))
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	sc, err := echo.NewShoutClient(client.WithAddress(ln.Addr().String()))
	require.NoError(t, err)
	defer sc.Close()
	got, err := sc.Echo(context.Background(), "from shout")
	require.NoError(t, err)
	assert.Equal(t, "from shout", got, "isn Shout routes echo to the Shout implementation")

	ec, err := echo.NewEchoClient(client.WithAddress(ln.Addr().String()))
	require.NoError(t, err)
	defer ec.Close()
	got, err = ec.Echo(context.Background(), "x")
	require.NoError(t, err)
	assert.Equal(t, "plain echo", got)
}
