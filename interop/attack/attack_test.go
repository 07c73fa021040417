package attack_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// full says the full form runs, which asserts the figures too.
var full = os.Getenv("VOLO_ATTACK") == "full"

// serverEnv makes the test binary the server under attack.
const serverEnv = "VOLO_ATTACK_SERVER"

func TestMain(m *testing.M) {
	if os.Getenv(serverEnv) != "" {
		os.Exit(serve())
	}
	goleak.VerifyTestMain(m)
}

// The figures the full form asserts (see volo/RELIABILITY.md).
const (
	maxP99       = 50 * time.Millisecond // a well-behaved client's calls during the attack
	maxRSS       = 256 << 20             // the server's peak resident memory
	heapSlack    = 2 << 20               // the server's heap after idle connections' large requests
	heapBackIn   = time.Second           // ... back within heapSlack of its baseline this soon
	maxFailFast  = 10 * time.Millisecond // a bad reply fails the client's call this soon
	bigRequest   = 15 << 20
	pipelined    = 32 << 10 // the reply size a never-reading peer asks for
	drainTimeout = 5 * time.Second
)

// big backs the replies of "reply:N" calls, without an allocation each.
var big = strings.Repeat("r", 16<<20)

// echoImpl answers "reply:N" with N bytes, a long message with its first
// byte (the large buffer is then the request's), and others in kind.
func echoImpl(_ context.Context, msg string) (string, error) {
	if n, ok := strings.CutPrefix(msg, "reply:"); ok {
		k, err := strconv.Atoi(n)
		if err != nil || k < 0 {
			return "", errors.New("bad size")
		}
		return big[:min(k, len(big))], nil
	}
	if len(msg) > 64 {
		return strings.Clone(msg[:1]), nil
	}
	return msg, nil
}

// boomArgs is a hand-written args struct whose decoder panics.
type boomArgs struct{}

func (*boomArgs) ThriftSize() int                    { return thrift.FieldStopSize }
func (*boomArgs) AppendThrift(b []byte) []byte       { return thrift.AppendFieldStop(b) }
func (*boomArgs) DecodeThrift(*thrift.Decoder) error { panic("a hand-written decoder that panics") }

var boomDesc = &thrift.ServiceDesc{Name: "Boom", Methods: []*thrift.MethodDesc{{
	Name:      "boom",
	NewArgs:   func() thrift.Struct { return &boomArgs{} },
	NewResult: func() thrift.Struct { return &echo.EchoEchoResult{} },
	Handler: func(context.Context, any, thrift.Struct) (thrift.Struct, error) {
		return &echo.EchoEchoResult{}, nil
	},
}}}

// serve is the server under attack: volo's defaults, on loopback. It
// prints its address, answers "heap" on stdin with its live heap, and shuts
// down when stdin ends.
func serve() int {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	srv, err := server.New(server.WithLogger(logger))
	if err == nil {
		err = srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(echoImpl))
	}
	if err == nil {
		err = srv.RegisterService(boomDesc, struct{}{})
	}
	ln, lerr := net.Listen("tcp", "127.0.0.1:0")
	if err != nil || lerr != nil {
		fmt.Fprintln(os.Stderr, "attack server:", err, lerr)
		return 1
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Printf("addr %s\n", ln.Addr())
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		if in.Text() == "heap" {
			fmt.Printf("heap %d\n", liveHeap())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "attack server: shutdown:", err)
		return 1
	}
	<-served
	return 0
}

// liveHeap returns the live heap after the collector ran, twice so that
// pools drop what they hold too.
func liveHeap() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// target is the server under attack, in a process of its own.
type target struct {
	addr string
	pid  int
	mu   sync.Mutex
	in   io.WriteCloser
	out  *bufio.Scanner
}

func startTarget(t *testing.T) *target {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), serverEnv+"=1")
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var logs strings.Builder
	var logMu sync.Mutex
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		if logs.Len() < 1<<16 {
			logs.Write(p)
		}
		return len(p), nil
	})
	require.NoError(t, cmd.Start())
	tg := &target{pid: cmd.Process.Pid, in: in, out: bufio.NewScanner(out)}
	t.Cleanup(func() {
		in.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			assert.NoError(t, err, "the server shuts down cleanly")
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Error("the server did not shut down")
		}
		logMu.Lock()
		defer logMu.Unlock()
		if t.Failed() || testing.Verbose() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	require.True(t, tg.out.Scan(), "the server prints its address")
	addr, ok := strings.CutPrefix(tg.out.Text(), "addr ")
	require.True(t, ok, "first line %q", tg.out.Text())
	tg.addr = addr
	return tg
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// heap returns the server's live heap.
func (tg *target) heap(t *testing.T) int64 {
	t.Helper()
	tg.mu.Lock()
	defer tg.mu.Unlock()
	_, err := io.WriteString(tg.in, "heap\n")
	require.NoError(t, err)
	require.True(t, tg.out.Scan())
	n, err := strconv.ParseInt(strings.TrimPrefix(tg.out.Text(), "heap "), 10, 64)
	require.NoError(t, err)
	return n
}

// memory returns the server's resident memory now and at its peak, from
// /proc; ok is false where there is none.
func (tg *target) memory() (rss, peak int64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", tg.pid))
	if err != nil {
		return 0, 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak, peak > 0
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func kib(n int64) string { return fmt.Sprintf("%d KiB", n>>10) }

// framed returns a Framed echo request.
func framed(t *testing.T, method string, seq int32, msg string) []byte {
	t.Helper()
	b, err := frame.AppendMessage(nil, frame.Framed, nil, method, thrift.MessageCall, seq, &echo.EchoEchoArgs{Msg: msg})
	require.NoError(t, err)
	return b
}

// readReply reads one Framed reply from r.
func readReply(r *frame.Reader) (res echo.EchoEchoResult, typ thrift.MessageType, seq int32, err error) {
	var f frame.Frame
	if err = r.Next(&f); err != nil {
		return res, 0, 0, err
	}
	_, typ, seq, err = thrift.DecodeMessage(thrift.NewDecoder(f.Payload), &res)
	return res, typ, seq, err
}

func newClient(t *testing.T, addr string, opts ...client.Option) *echo.EchoClient {
	t.Helper()
	c, err := echo.NewEchoClient(append([]client.Option{client.WithAddress(addr), client.WithReadWriteTimeout(time.Minute)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

// Huge lengths get the connection closed at once, with nothing allocated
// for them, and the server goes on serving.
func TestHugeLengths(t *testing.T) {
	tg := startTarget(t)
	ping := newClient(t, tg.addr)
	_, err := ping.Echo(context.Background(), "warm")
	require.NoError(t, err)
	base := tg.heap(t)
	be32 := binary.BigEndian.AppendUint32
	for name, b := range map[string][]byte{
		"framed 2 GiB":       append(be32(nil, 0x7fffffff), 0x80, 0x01, 0x00, 0x01),
		"framed 4 GiB":       append(be32(nil, 0xffffffff), 0x80, 0x01, 0x00, 0x01),
		"ttheader 2 GiB":     append(be32(nil, 0x7ffffff0), 0x10, 0x00, 0x00, 0x00, 0, 0, 0, 1, 0xff, 0xff),
		"buffered name 2 GB": append([]byte{0x80, 0x01, 0x00, 0x01}, be32(nil, 0x7fffffff)...),
		"framed name 2 GB":   append(be32(nil, 8), append([]byte{0x80, 0x01, 0x00, 0x01}, be32(nil, 0x7fffffff)...)...),
	} {
		c, err := net.Dial("tcp", tg.addr)
		require.NoError(t, err)
		_, err = c.Write(b)
		require.NoError(t, err, name)
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err = c.Read(make([]byte, 1))
		c.Close()
		var ne net.Error
		require.Error(t, err, "%s: the server closes the connection", name)
		assert.False(t, errors.As(err, &ne) && ne.Timeout(), "%s: the server waits on a length it should refuse", name)
	}
	grown := tg.heap(t) - base
	assert.Less(t, grown, int64(heapSlack), "the server holds %s more after the huge lengths", mib(grown))
	_, err = ping.Echo(context.Background(), "still")
	require.NoError(t, err)
	t.Logf("huge lengths: server heap %+d bytes after them", grown)
}

// A panicking args decoder yields an application exception, and the
// connection and the server go on serving.
func TestPanickingDecoder(t *testing.T) {
	tg := startTarget(t)
	c, err := net.Dial("tcp", tg.addr)
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	r := frame.NewReader(c)
	for i := range 3 {
		_, err = c.Write(framed(t, "boom", int32(2*i+1), "x"))
		require.NoError(t, err)
		_, typ, seq, err := readReply(r)
		var ae *thrift.ApplicationException
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, thrift.MessageException, typ)
		assert.Equal(t, int32(2*i+1), seq)
		assert.Equal(t, thrift.ExceptionProtocolError, ae.Type)

		_, err = c.Write(framed(t, "echo", int32(2*i+2), "after"))
		require.NoError(t, err)
		res, typ, _, err := readReply(r)
		require.NoError(t, err)
		assert.Equal(t, thrift.MessageReply, typ)
		require.NotNil(t, res.Success)
		assert.Equal(t, "after", *res.Success)
	}
}

// Malicious servers: a reply of the wrong message type, or to a sequence
// id no call has, fails the client's call with a typed error at once, in
// both of its modes, not at the call's deadline.
func TestBadRepliesFailFast(t *testing.T) {
	ok := "ok"
	for _, tc := range []struct {
		name  string
		reply func(seq int32) []byte
	}{
		{"wrong message type", func(seq int32) []byte {
			return thrift.AppendMessage(nil, "echo", thrift.MessageCall, seq, &echo.EchoEchoResult{Success: &ok})
		}},
		{"unknown sequence id", func(seq int32) []byte {
			return thrift.AppendMessage(nil, "echo", thrift.MessageReply, seq+1000, &echo.EchoEchoResult{Success: &ok})
		}},
		{"junk after the result", func(seq int32) []byte {
			return append(thrift.AppendMessage(nil, "echo", thrift.MessageReply, seq, &echo.EchoEchoResult{Success: &ok}), 0, 0)
		}},
	} {
		for _, mux := range []int{0, 1} {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
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
				_ = r.Next(&f) // holds the connection until the client closes it
			}()
			c := newClient(t, ln.Addr().String(), client.WithMultiplexing(mux), client.WithFraming(frame.Framed),
				client.WithRPCTimeout(10*time.Second), client.WithConnectTimeout(10*time.Second))
			start := time.Now()
			_, err = c.Echo(context.Background(), "x")
			took := time.Since(start)
			require.ErrorIs(t, err, volo.ErrProtocol, "%s, mux %d", tc.name, mux)
			assert.NotErrorIs(t, err, volo.ErrTimeout)
			t.Logf("%s, mux %d: failed in %v", tc.name, mux, took)
			if full {
				assert.Less(t, took, maxFailFast, "%s, mux %d", tc.name, mux)
			}
			require.NoError(t, c.Close())
			ln.Close()
			wg.Wait()
		}
	}
}

// Connections that each sent one large request then went quiet hold no
// large buffer: the server's heap, and the heap of the client whose pool
// keeps the idle connections, come back to their baselines.
func TestIdleConnectionsReleaseBuffers(t *testing.T) {
	conns := 20
	if !full {
		conns = 4
	}
	tg := startTarget(t)
	var clients []*echo.EchoClient
	for range conns {
		c := newClient(t, tg.addr, client.WithMaxIdle(1))
		_, err := c.Echo(context.Background(), "warm")
		require.NoError(t, err)
		clients = append(clients, c)
	}
	base, clientBase := tg.heap(t), liveHeap()
	req := strings.Repeat("x", bigRequest)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := c.Echo(context.Background(), req)
			assert.NoError(t, err)
			assert.Equal(t, "x", got)
		}()
	}
	wg.Wait()
	last := time.Now()
	req = ""
	var grown int64
	var back time.Duration
	for {
		grown = tg.heap(t) - base
		back = time.Since(last)
		if grown < heapSlack || back > 10*time.Second {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	clientGrown := liveHeap() - clientBase
	_, peak, _ := tg.memory()
	t.Logf("%d idle connections after a %s request each: server heap %+d bytes after %v (peak RSS %s), client heap %+d bytes",
		conns, mib(bigRequest), grown, back.Round(time.Millisecond), mib(peak), clientGrown)
	assert.Less(t, grown, int64(heapSlack), "the server's idle connections hold %s", mib(grown))
	assert.Less(t, clientGrown, int64(heapSlack), "the client's idle connections hold %s", mib(clientGrown))
	if full {
		assert.LessOrEqual(t, back, heapBackIn, "the server's heap came back after %v", back)
	}
}

// Thousands of idle, stalled and trickling connections, and peers that
// pipeline calls and never read the replies, against a server with its
// defaults: a well-behaved client keeps getting answers, the server's
// memory stays bounded, and the idle connections are still served.
func TestManyConnectionsAndNeverReadingPeers(t *testing.T) {
	idle, calls, readers, dur := 2000, 1500, 4, 10*time.Second
	if !full {
		idle, calls, dur = 200, 300, 2*time.Second
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < uint64(idle+256) {
		t.Skipf("needs %d open files, the limit is %d (ulimit -n)", idle+256, lim.Cur)
	}
	tg := startTarget(t)
	ping := newClient(t, tg.addr)
	_, err := ping.Echo(context.Background(), "warm")
	require.NoError(t, err)

	// The idle peers: a quarter stalls in the middle of a request, a
	// quarter trickles a request a byte at a time, the rest sends nothing.
	var quiet, stalled, trickling []net.Conn
	defer func() {
		for _, c := range slices.Concat(quiet, stalled, trickling) {
			c.Close()
		}
	}()
	for i := range idle {
		c, err := net.Dial("tcp", tg.addr)
		require.NoError(t, err, "connection %d", i)
		switch i % 4 {
		case 0:
			_, err = c.Write(framed(t, "echo", 1, "stalled")[:10])
			require.NoError(t, err)
			stalled = append(stalled, c)
		case 1:
			trickling = append(trickling, c)
		default:
			quiet = append(quiet, c)
		}
	}
	stop := make(chan struct{})
	var attackers sync.WaitGroup
	req := framed(t, "echo", 1, "trickled")
	attackers.Add(1)
	go func() {
		defer attackers.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for i := 0; i < len(req); i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			for _, c := range trickling {
				c.SetWriteDeadline(time.Now().Add(time.Second))
				c.Write(req[i : i+1])
			}
		}
	}()
	// The peers that never read: each sends its calls as fast as the
	// server takes them, asking for large replies.
	var sent atomic.Int64
	var hogs []net.Conn
	hog := framed(t, "echo", 1, "reply:"+strconv.Itoa(pipelined))
	for range readers {
		c, err := net.Dial("tcp", tg.addr)
		require.NoError(t, err)
		hogs = append(hogs, c)
		attackers.Add(1)
		go func() {
			defer attackers.Done()
			c.SetWriteDeadline(time.Now().Add(dur + 5*time.Second))
			for range calls {
				if _, err := c.Write(hog); err != nil {
					return
				}
				sent.Add(1)
			}
		}()
	}
	defer func() {
		for _, c := range hogs {
			c.Close()
		}
	}()

	// The well-behaved client, four callers.
	var mu sync.Mutex
	var lat []time.Duration
	var failed []error
	var callers sync.WaitGroup
	end := time.Now().Add(dur)
	for range 4 {
		callers.Add(1)
		go func() {
			defer callers.Done()
			for time.Now().Before(end) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				start := time.Now()
				got, err := ping.Echo(ctx, "ping")
				took := time.Since(start)
				cancel()
				mu.Lock()
				if err == nil && got != "ping" {
					err = fmt.Errorf("got %q", got)
				}
				if err != nil {
					failed = append(failed, err)
				} else {
					lat = append(lat, took)
				}
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	callers.Wait()
	heap := tg.heap(t)
	rss, peak, haveRSS := tg.memory()

	// The quiet peers were not cut: each still gets an answer.
	for i, c := range quiet[:min(len(quiet), 20)] {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		_, err := c.Write(framed(t, "echo", 7, "still here"))
		require.NoError(t, err, "quiet connection %d", i)
		res, typ, seq, err := readReply(frame.NewReader(c))
		require.NoError(t, err, "quiet connection %d", i)
		assert.Equal(t, thrift.MessageReply, typ)
		assert.Equal(t, int32(7), seq)
		require.NotNil(t, res.Success)
	}
	close(stop)
	for _, c := range hogs {
		c.Close()
	}
	attackers.Wait()

	for _, err := range failed[:min(len(failed), 5)] {
		t.Errorf("a well-behaved call failed: %v", err)
	}
	assert.Empty(t, failed, "%d of %d well-behaved calls failed", len(failed), len(failed)+len(lat))
	require.NotEmpty(t, lat)
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	t.Logf("%d idle connections (%d stalled, %d trickling), %d peers that never read (%d of %d calls of %s sent): "+
		"%d well-behaved calls, p50 %v, p99 %v, max %v; server heap %s, RSS %s, peak RSS %s",
		idle, len(stalled), len(trickling), readers, sent.Load(), readers*calls, kib(pipelined),
		len(lat), p(0.5), p(0.99), lat[len(lat)-1], mib(heap), mib(rss), mib(peak))
	if full {
		assert.Less(t, p(0.99), maxP99, "p99 of the well-behaved client")
		if haveRSS {
			assert.Less(t, peak, int64(maxRSS), "the server's peak RSS")
		}
	}
}
