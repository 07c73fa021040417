package client_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
)

// countingListener counts the connections it accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int32
	closed   atomic.Bool
}

func (l *countingListener) Close() error {
	l.closed.Store(true)
	return l.Listener.Close()
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// holdServer is an echo server whose calls for a message starting with
// "hold" wait until released; it counts the calls running.
type holdServer struct {
	running atomic.Int32
	release chan struct{}
}

func (h *holdServer) Echo(ctx context.Context, msg string) (string, error) {
	h.running.Add(1)
	defer h.running.Add(-1)
	if len(msg) >= 4 && msg[:4] == "hold" {
		select {
		case <-h.release:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if msg == "biz" {
		return "", volo.NewBizError(7, "refused")
	}
	if v, ok := metainfo.GetPersistentValue(ctx, "tenant"); ok {
		metainfo.SendBackwardValue(ctx, "tenant-seen", v)
	}
	return "re:" + msg, nil
}

func startHold(t *testing.T) (*holdServer, *countingListener, *server.Server) {
	t.Helper()
	h := &holdServer{release: make(chan struct{})}
	ln := &countingListener{Listener: volotest.ListenTCP(t)}
	srv := thrifttest.StartServer(t, ln, echo.EchoServiceDesc, h)
	return h, ln, srv
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, time.Millisecond, what)
}

// holding starts n calls of "hold" with ctx and waits until the server runs
// them all; the channel gets each call's error.
func holding(t *testing.T, ctx context.Context, c *echo.EchoClient, h *holdServer, n int) <-chan error {
	t.Helper()
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := c.Echo(ctx, "hold")
			errs <- err
		}()
	}
	waitUntil(t, "the held calls to run", func() bool { return h.running.Load() == int32(n) })
	return errs
}

func TestMultiplexedCallsShareOneConnection(t *testing.T) {
	h, ln, _ := startHold(t)
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1))

	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := fmt.Sprintf("hold-%d", i)
			got, err := c.Echo(context.Background(), msg)
			if err == nil && got != "re:"+msg {
				err = fmt.Errorf("call %q got %q", msg, got)
			}
			errs <- err
		}()
	}
	waitUntil(t, "every call running at once", func() bool { return h.running.Load() == n })
	assert.Equal(t, int32(1), ln.accepted.Load(), "one connection carries them all")
	close(h.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

func TestMultiplexedRepliesComeBackOutOfOrder(t *testing.T) {
	h, ln, _ := startHold(t)
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1))

	slow := holding(t, context.Background(), c, h, 1)
	got, err := c.Echo(context.Background(), "fast")
	require.NoError(t, err)
	assert.Equal(t, "re:fast", got, "a later call is answered while an earlier one waits")
	select {
	case err := <-slow:
		t.Fatalf("the slow call ended early: %v", err)
	default:
	}
	close(h.release)
	require.NoError(t, <-slow)
	assert.Equal(t, int32(1), ln.accepted.Load())
}

func TestMultiplexedTimeoutLeavesTheOthersAlone(t *testing.T) {
	h, ln, _ := startHold(t)
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1))

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Echo(ctx, "hold")
	assert.ErrorIs(t, err, volo.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// The server gave up on the same deadline; its late reply, if any, is
	// dropped. The connection goes on.
	got, err := c.Echo(context.Background(), "after")
	require.NoError(t, err)
	assert.Equal(t, "re:after", got)
	close(h.release)
	assert.Equal(t, int32(1), ln.accepted.Load())
}

func TestMultiplexedCancelledCall(t *testing.T) {
	h, ln, _ := startHold(t)
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1))
	ctx, cancel := context.WithCancel(context.Background())
	done := holding(t, ctx, c, h, 1)
	cancel()
	err := <-done
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, volo.ErrTimeout)
	close(h.release)
	_, err = c.Echo(context.Background(), "after")
	require.NoError(t, err)
}

func TestMultiplexedMetainfoAndBusinessErrors(t *testing.T) {
	_, ln, _ := startHold(t)
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(2))
	ctx := metainfo.WithBackwardValues(metainfo.WithPersistentValue(context.Background(), "tenant", "acme"))
	got, err := c.Echo(ctx, "hi")
	require.NoError(t, err)
	assert.Equal(t, "re:hi", got)
	v, ok := metainfo.RecvBackwardValue(ctx, "tenant-seen")
	assert.True(t, ok)
	assert.Equal(t, "acme", v)

	_, err = c.Echo(context.Background(), "biz")
	var be *volo.BizError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, int32(7), be.Status)
}

func TestMultiplexedOverFramed(t *testing.T) {
	h, ln, _ := startHold(t)
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1), client.WithFraming(frame.Framed))
	slow := holding(t, context.Background(), c, h, 1)
	got, err := c.Echo(context.Background(), "framed")
	require.NoError(t, err)
	assert.Equal(t, "re:framed", got)
	close(h.release)
	require.NoError(t, <-slow)
}

func TestMultiplexedConnectionLossFailsTheWaitingCalls(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	got := make(chan int, 1)
	go func() {
		// A peer that reads the requests, answers none and hangs up.
		conn, err := ln.Accept()
		ln.Close()
		if err != nil {
			got <- 0
			return
		}
		buf := make([]byte, 64<<10)
		total := 0
		conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		for {
			n, err := conn.Read(buf)
			total += n
			if err != nil {
				break
			}
		}
		conn.Close()
		got <- total
	}()

	c := echoClient(t, client.WithAddress(addr), client.WithMultiplexing(1))
	const n = 5
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := c.Echo(context.Background(), "lost")
			errs <- err
		}()
	}
	for range n {
		assert.ErrorIs(t, <-errs, volo.ErrConnection)
	}
	assert.Positive(t, <-got, "the peer read requests")

	// A server on the same address: the next call dials again.
	ln2, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	thrifttest.StartServer(t, ln2, echo.EchoServiceDesc, &holdServer{release: make(chan struct{})})
	answer, err := c.Echo(context.Background(), "again")
	require.NoError(t, err)
	assert.Equal(t, "re:again", answer)
}

func TestMultiplexedShutdownAnswersThenDrains(t *testing.T) {
	h := &holdServer{release: make(chan struct{})}
	ln := &countingListener{Listener: volotest.ListenTCP(t)}
	srv, err := server.New()
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, h))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1))
	const n = 3
	errs := holding(t, context.Background(), c, h, n)
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	waitUntil(t, "Shutdown to stop accepting", ln.closed.Load)
	close(h.release)
	for range n {
		assert.NoError(t, <-errs, "calls in flight are answered")
	}
	require.NoError(t, <-shut)
	assert.ErrorIs(t, <-served, volo.ErrServerClosed)
}

func TestClosingTheClientFailsMultiplexedCalls(t *testing.T) {
	h, ln, _ := startHold(t)
	c, err := client.New("Echo", client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1))
	require.NoError(t, err)
	done := holding(t, context.Background(), (&echo.EchoClient{Client: c}), h, 1)
	require.NoError(t, c.Close())
	assert.ErrorIs(t, <-done, volo.ErrClosed)
	_, err = (&echo.EchoClient{Client: c}).Echo(context.Background(), "x")
	assert.ErrorIs(t, err, volo.ErrClosed)
	close(h.release)
}

func TestMultiplexingSpreadsOverItsConnections(t *testing.T) {
	h, ln, _ := startHold(t)
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(3))
	const n = 12
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = c.Echo(context.Background(), "hold")
		}()
	}
	waitUntil(t, "every call running", func() bool { return h.running.Load() == n })
	// Calls that come while a connection is being made go on the ones
	// already made rather than wait, so a burst may find fewer; later
	// calls add the missing ones, never more.
	assert.LessOrEqual(t, ln.accepted.Load(), int32(3))
	for range 5 {
		_, err := c.Echo(context.Background(), "more")
		require.NoError(t, err)
	}
	assert.Equal(t, int32(3), ln.accepted.Load())
	close(h.release)
	wg.Wait()
}

func TestMultiplexedGarbageReplyFailsTheConnectionNotTheProcess(t *testing.T) {
	ln := volotest.ListenTCP(t)
	served := make(chan struct{})
	go func() {
		defer close(served)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		buf := make([]byte, 4096)
		_, _ = conn.Read(buf)
		// A Framed frame whose payload is no Thrift message.
		_, _ = conn.Write([]byte{0, 0, 0, 4, 0xde, 0xad, 0xbe, 0xef})
		_, _ = conn.Read(buf) // until the client hangs up
	}()
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1), client.WithFraming(frame.Framed))
	_, err := c.Echo(context.Background(), "x")
	assert.ErrorIs(t, err, volo.ErrProtocol)
	<-served
}

// A reply the client cannot take fails the call at once, with a protocol
// error, in both modes: it does not wait out the call's deadline.
func TestBadRepliesFailFast(t *testing.T) {
	msg := func(typ thrift.MessageType, seq int32, body thrift.Struct) []byte {
		return thrift.AppendMessage(nil, "echo", typ, seq, body)
	}
	ok := "ok"
	for _, tc := range []struct {
		name  string
		reply func(seq int32) []byte
	}{
		{"reply to no call", func(int32) []byte { return msg(thrift.MessageReply, 999, &echo.EchoEchoResult{Success: &ok}) }},
		{"a call, not a reply", func(seq int32) []byte { return msg(thrift.MessageCall, seq, &echo.EchoEchoResult{Success: &ok}) }},
		{"a oneway, not a reply", func(seq int32) []byte { return msg(thrift.MessageOneway, seq, &echo.EchoEchoResult{Success: &ok}) }},
		{"junk after the result", func(seq int32) []byte {
			return append(msg(thrift.MessageReply, seq, &echo.EchoEchoResult{Success: &ok}), 0, 0)
		}},
		{"junk after an exception", func(seq int32) []byte {
			return append(msg(thrift.MessageException, seq, thrift.NewApplicationException(thrift.ExceptionInternalError, "x")), 1)
		}},
	} {
		for _, mux := range []int{0, 1} {
			ln := volotest.ListenTCP(t)
			go func() {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				defer conn.Close()
				r := frame.NewReader(conn)
				var f frame.Frame
				if r.Next(&f) != nil {
					return
				}
				_, _, seq, _ := thrift.NewDecoder(f.Payload).ReadMessageBegin()
				b := tc.reply(seq)
				_, _ = conn.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...))
				_ = r.Next(&f) // hold the connection until the client closes it
			}()
			c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(mux),
				client.WithFraming(frame.Framed), client.WithRPCTimeout(10*time.Second))
			_, err := c.Echo(context.Background(), "x")
			require.ErrorIs(t, err, volo.ErrProtocol, "%s, mux %d", tc.name, mux)
			assert.NotErrorIs(t, err, volo.ErrTimeout, "%s, mux %d: the call fails on the reply, not at its deadline", tc.name, mux)
			require.NoError(t, c.Close())
		}
	}
}

func TestClosingTheClientFailsCallsOnADrainingConnection(t *testing.T) {
	releaseA, releaseB := make(chan struct{}), make(chan struct{})
	var running atomic.Int32
	ln := volotest.ListenTCP(t)
	addr := ln.Addr().String()
	srv, err := server.New()
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		running.Add(1)
		wait := releaseA
		if msg == "b" {
			wait = releaseB
		}
		select {
		case <-wait:
		case <-ctx.Done():
		}
		return msg, nil
	})))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	c, err := client.New("Echo", client.WithAddress(addr), client.WithMultiplexing(1))
	require.NoError(t, err)
	ec := &echo.EchoClient{Client: c}
	a, b := make(chan error, 1), make(chan error, 1)
	go func() { _, err := ec.Echo(context.Background(), "a"); a <- err }()
	go func() { _, err := ec.Echo(context.Background(), "b"); b <- err }()
	waitUntil(t, "both calls to run", func() bool { return running.Load() == 2 })

	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	waitUntil(t, "the server to stop accepting", func() bool {
		conn, err := net.Dial("tcp", addr)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	close(releaseA)
	require.NoError(t, <-a, "a is answered, with crrst: the connection drains")

	// A new call cannot use the draining connection, and cannot dial.
	_, err = ec.Echo(context.Background(), "c")
	assert.ErrorIs(t, err, volo.ErrConnection)

	require.NoError(t, c.Close())
	assert.ErrorIs(t, <-b, volo.ErrClosed, "Close fails the call still waiting on the draining connection")
	close(releaseB)
	require.NoError(t, <-shut)
	assert.ErrorIs(t, <-served, volo.ErrServerClosed)
}

// A call whose request waits behind another call's write that the peer
// does not take gives up at its deadline without sending anything, and
// without cutting the write in progress.
func TestMultiplexedCallQueuedBehindAStuckWrite(t *testing.T) {
	ln := volotest.ListenTCP(t)
	var got atomic.Int64
	stop := make(chan struct{})
	served := make(chan struct{})
	go func() {
		defer close(served)
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		// Read the first MiB of the large request, then no more: its
		// write stays stuck once the socket buffers are full.
		buf := make([]byte, 64<<10)
		for got.Load() < 1<<20 {
			n, err := nc.Read(buf)
			if err != nil {
				return
			}
			got.Add(int64(n))
		}
		<-stop
	}()
	c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1),
		client.WithReadWriteTimeout(time.Minute))
	large := make(chan error, 1)
	go func() {
		_, err := c.Echo(context.Background(), string(make([]byte, 64<<20)))
		large <- err
	}()
	waitUntil(t, "the large request's write to begin", func() bool { return got.Load() >= 1<<20 })

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Echo(ctx, "small")
	require.ErrorIs(t, err, volo.ErrTimeout)
	assert.Contains(t, err.Error(), "waiting to write the request", "it was never written")
	select {
	case err := <-large:
		t.Fatalf("the large call ended when the small one gave up: %v", err)
	default:
	}
	close(stop)
	<-served
	require.Error(t, <-large, "the peer closed with the request half read")
}
