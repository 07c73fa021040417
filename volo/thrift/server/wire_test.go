package server_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	require.NoError(t, c.SetDeadline(time.Now().Add(20*time.Second)))
	return c
}

// barrier is an echo handler under which no call returns before n run at
// once; arm sets it for the next n.
type barrier struct {
	n    int64
	in   atomic.Int64
	gate atomic.Pointer[chan struct{}] // replaced by arm, while the last handlers of a round may still be returning
}

func newBarrier(n int) *barrier {
	b := &barrier{n: int64(n)}
	b.arm()
	return b
}

func (b *barrier) arm() {
	gate := make(chan struct{})
	b.gate.Store(&gate)
	b.in.Store(0)
}

func (b *barrier) Echo(ctx context.Context, msg string) (string, error) {
	gate := *b.gate.Load()
	if b.in.Add(1) == b.n {
		close(gate)
	}
	select {
	case <-gate:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	return msg, nil
}

// pipelined is n echo calls in framing f, one after the other, with seq
// ids 1 to n and messages "m1" to "mn".
func pipelined(t *testing.T, f frame.Framing, n int) []byte {
	t.Helper()
	var reqs []byte
	for i := range n {
		var h *frame.Header
		if f == frame.TTHeader {
			h = &frame.Header{SeqID: int32(i + 1)}
		}
		var err error
		reqs, err = frame.AppendMessage(reqs, f, h, "echo", thrift.MessageCall, int32(i+1), &echo.EchoEchoArgs{Msg: "m" + strconv.Itoa(i+1)})
		require.NoError(t, err)
	}
	return reqs
}

func TestPipelinedCallsRunConcurrently(t *testing.T) {
	const n = 20
	ln := volotest.ListenTCP(t)
	// No call returns before all n run at once: they must be concurrent.
	b := newBarrier(n)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, b, quiet)

	for _, f := range []frame.Framing{frame.TTHeader, frame.Framed} {
		if f == frame.Framed {
			b.arm()
		}
		c := dialRaw(t, ln.Addr().String())
		_, err := c.Write(pipelined(t, f, n))
		require.NoError(t, err)

		r := frame.NewReader(c)
		seen := map[int32]bool{}
		for range n {
			var fr frame.Frame
			require.NoError(t, r.Next(&fr))
			assert.Equal(t, f, fr.Framing)
			var res echo.EchoEchoResult
			_, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(fr.Payload), &res)
			require.NoError(t, err)
			assert.Equal(t, thrift.MessageReply, typ)
			require.NotNil(t, res.Success)
			assert.Equal(t, "m"+strconv.Itoa(int(seq)), *res.Success, "reply matched to its call by seqid")
			if f == frame.TTHeader {
				assert.Equal(t, seq, fr.Header.SeqID)
			}
			seen[seq] = true
		}
		assert.Len(t, seen, n)
	}
}

func TestHalfFrameStallIsCutOff(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet, server.WithReadTimeout(200*time.Millisecond))
	stalled := dialRaw(t, ln.Addr().String())
	// A Framed frame that announces 100 bytes and sends 8.
	_, err := stalled.Write([]byte{0, 0, 0, 100, 0x80, 0x01, 0, 1})
	require.NoError(t, err)

	cut := make(chan error, 1)
	go func() {
		_, err := stalled.Read(make([]byte, 1))
		cut <- err
	}()
	// Others are served while it stalls.
	e := newEcho(t, ln.Addr().String(), client.WithoutIdleConns())
	for range 5 {
		got, err := e.Echo(context.Background(), "served")
		require.NoError(t, err)
		assert.Equal(t, "SERVED", got)
	}
	err = <-cut
	require.Error(t, err)
	var ne net.Error
	assert.False(t, asNetTimeout(err, &ne), "the server should have closed the stalled connection, got %v", err)
}

func asNetTimeout(err error, ne *net.Error) bool {
	if e, ok := err.(net.Error); ok {
		*ne = e
		return e.Timeout()
	}
	return false
}

func TestHugeFrameRefusedWithoutAllocating(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet)
	for _, head := range [][]byte{
		{0x7f, 0xff, 0xff, 0xff, 0x80, 0x01, 0, 1},                   // Framed, 2 GiB - 1
		{0x7f, 0xff, 0xff, 0xf0, 0x10, 0x00, 0, 0, 0, 0, 0, 1, 0, 1}, // TTHeader, about 2 GiB
	} {
		c := dialRaw(t, ln.Addr().String())
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, err := c.Write(head)
		require.NoError(t, err)
		_, err = c.Read(make([]byte, 1))
		require.Error(t, err, "the server should close the connection")
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated while refusing a frame of %d bytes", binary.BigEndian.Uint32(head))
	}
}

func TestUnsupportedProtocolClosed(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet)
	c := dialRaw(t, ln.Addr().String())
	_, err := c.Write([]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)
	_, err = bufio.NewReader(c).ReadByte()
	require.Error(t, err)
}

func TestStacksDescribedAndCalled(t *testing.T) {
	ln := volotest.ListenTCP(t)
	// The server's layer runs on its connection's goroutine: a reply on
	// the wire is no synchronisation the race detector knows of.
	var mu sync.Mutex
	var order []string
	record := func(name string) func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		return func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
			mu.Lock()
			order = append(order, name+" "+call.Service+"."+call.Method)
			mu.Unlock()
			return next.Call(ctx, call)
		}
	}
	srv := thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet,
		server.WithMiddleware(motore.MiddlewareFn("server-log", record("server"))))
	e := newEcho(t, ln.Addr().String(), client.WithMiddleware(motore.MiddlewareFn("client-log", record("client"))))
	assert.Equal(t, "server-log -> handler", srv.Describe())
	assert.Equal(t, "client-log -> transport(ttheader)", e.Describe())
	_, err := e.Echo(context.Background(), "x")
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"client Echo.echo", "server Echo.echo"}, order)
}

func TestMaxCallsPerConnPushesBack(t *testing.T) {
	const sent, capped = 6, 2
	ln := volotest.ListenTCP(t)
	g := newGate()
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, g, quiet, server.WithMaxCallsPerConn(capped))
	c := dialRaw(t, ln.Addr().String())
	var reqs []byte
	for i := range sent {
		var err error
		reqs, err = frame.AppendMessage(reqs, frame.Framed, nil, "echo", thrift.MessageCall, int32(i+1), &echo.EchoEchoArgs{Msg: "m"})
		require.NoError(t, err)
	}
	_, err := c.Write(reqs)
	require.NoError(t, err)
	waitFor(t, "the capped calls to start", func() bool { return g.started.Load() == capped })
	// The others wait in the socket, unread, until a slot frees up.
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, int64(capped), g.started.Load())
	close(g.release)
	r := frame.NewReader(c)
	for range sent {
		var fr frame.Frame
		require.NoError(t, r.Next(&fr))
	}
	assert.Equal(t, int64(sent), g.started.Load())
}

// Bytes after a request's arguments are refused with a protocol error,
// and a decoder that panics fails its request, not the server.
func TestBadArgsAreRefused(t *testing.T) {
	ln := volotest.ListenTCP(t)
	panicky := &thrift.ServiceDesc{Name: "Panicky", Methods: []*thrift.MethodDesc{{
		Name:      "boom",
		NewArgs:   func() thrift.Struct { return panicArgs{} },
		NewResult: echo.EchoEchoMethod.NewResult,
		Handler:   echo.EchoEchoMethod.Handler,
	}}}
	srv, err := server.New(quiet)
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) { return msg, nil })))
	require.NoError(t, srv.RegisterService(panicky, nil))
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	c := dialRaw(t, ln.Addr().String())
	r := frame.NewReader(c)
	send := func(b []byte) *thrift.ApplicationException {
		_, err := c.Write(append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...))
		require.NoError(t, err)
		var f frame.Frame
		require.NoError(t, r.Next(&f))
		var res echo.EchoEchoResult
		_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(f.Payload), &res)
		var ae *thrift.ApplicationException
		require.ErrorAs(t, err, &ae)
		return ae
	}
	junk := append(thrift.AppendMessage(nil, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "x"}), 7, 7)
	ae := send(junk)
	assert.Equal(t, thrift.ExceptionProtocolError, ae.Type)
	assert.Equal(t, "bytes after the arguments of echo: 2", ae.Message)

	ae = send(thrift.AppendMessage(nil, "boom", thrift.MessageCall, 2, &echo.EchoEchoArgs{}))
	assert.Equal(t, thrift.ExceptionProtocolError, ae.Type)
	assert.Equal(t, "cannot decode the arguments of boom", ae.Message)

	// The connection and the server go on.
	got, err := (&echo.EchoClient{Client: newRawClient(t, ln.Addr().String())}).Echo(context.Background(), "still")
	require.NoError(t, err)
	assert.Equal(t, "still", got)
}

// panicArgs is an args struct whose decoder panics, as a buggy
// hand-written codec might.
type panicArgs struct{}

func (panicArgs) ThriftSize() int                    { return 1 }
func (panicArgs) AppendThrift(b []byte) []byte       { return thrift.AppendFieldStop(b) }
func (panicArgs) DecodeThrift(*thrift.Decoder) error { panic("decoder bug") }

func newRawClient(t *testing.T, addr string) *client.Client {
	t.Helper()
	c, err := client.New("Echo", client.WithAddress(addr))
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// A request that arrives while the connection's worker runs a call does
// not wait for that call: it gets a goroutine of its own. The first call
// leaves a free worker behind, which the blocking call takes.
func TestCallDoesNotWaitForTheWorkerOfAnother(t *testing.T) {
	ln := volotest.ListenTCP(t)
	started := make(chan struct{})
	release := make(chan struct{})
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		if msg == "block" {
			close(started)
			select {
			case <-release:
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		return msg, nil
	}), quiet)

	c := dialRaw(t, ln.Addr().String())
	r := frame.NewReader(c)
	send := func(seq int32, msg string) {
		t.Helper()
		req, err := frame.AppendMessage(nil, frame.Framed, nil, "echo", thrift.MessageCall, seq, &echo.EchoEchoArgs{Msg: msg})
		require.NoError(t, err)
		_, err = c.Write(req)
		require.NoError(t, err)
	}

	send(1, "warm")
	seq, msg := readReply(t, r)
	require.Equal(t, int32(1), seq)
	require.Equal(t, "warm", msg)

	send(2, "block")
	<-started
	send(3, "free")
	seq, msg = readReply(t, r)
	assert.Equal(t, int32(3), seq, "the second call was answered while the first still ran")
	assert.Equal(t, "free", msg)
	close(release)
	seq, msg = readReply(t, r)
	assert.Equal(t, int32(2), seq)
	assert.Equal(t, "block", msg)

	// Both workers are free now: more calls in a row reuse them.
	for i := range int32(5) {
		send(10+i, "again")
		seq, msg = readReply(t, r)
		assert.Equal(t, 10+i, seq)
		assert.Equal(t, "again", msg)
	}
}

// workers counts the goroutines running or waiting in a connection's
// worker loop.
func workers() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Count(string(buf[:n]), "server.(*conn).worker(")
		}
		buf = make([]byte, 2*len(buf))
	}
}

// A burst of concurrent calls on one connection starts a worker for each;
// once the burst is over they end, while the connection stays open, so an
// idle connection keeps only its reader.
func TestBurstWorkersEndWhenIdle(t *testing.T) {
	const n = 30
	ln := volotest.ListenTCP(t)
	var inFlight atomic.Int64
	all := make(chan struct{})
	var during int // workers while all n calls ran, written before all is closed
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		if inFlight.Add(1) == n {
			during = workers()
			close(all)
		}
		select {
		case <-all:
		case <-ctx.Done():
			return "", ctx.Err()
		}
		return msg, nil
	}), quiet)
	before := workers()
	c := dialRaw(t, ln.Addr().String())
	var reqs []byte
	for i := range n {
		var err error
		reqs, err = frame.AppendMessage(reqs, frame.Framed, nil, "echo", thrift.MessageCall, int32(i+1), &echo.EchoEchoArgs{Msg: "m"})
		require.NoError(t, err)
	}
	_, err := c.Write(reqs)
	require.NoError(t, err)
	r := frame.NewReader(c)
	for range n {
		var fr frame.Frame
		require.NoError(t, r.Next(&fr))
	}
	<-all
	assert.GreaterOrEqual(t, during, n, "each concurrent call had a worker")
	assert.Eventually(t, func() bool { return workers() <= before }, 10*time.Second, 20*time.Millisecond,
		"the burst's workers end once idle, with the connection open")
	// The connection still serves.
	req, err := frame.AppendMessage(nil, frame.Framed, nil, "echo", thrift.MessageCall, 100, &echo.EchoEchoArgs{Msg: "after"})
	require.NoError(t, err)
	_, err = c.Write(req)
	require.NoError(t, err)
	var fr frame.Frame
	require.NoError(t, r.Next(&fr))
}
