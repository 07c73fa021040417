package rpc_test

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"net"
	"slices"
	"testing"

	"github.com/govolo/volo/bench/harness"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// The allocation counts of one echo(1 KiB) call, client and server
// together over real loopback TCP, and of the server path alone (a raw
// client that writes a pre-encoded frame and reads the reply into a reused
// buffer, allocating nothing). testing.AllocsPerRun counts every
// goroutine's allocations, so the server's are included. The ceilings are
// today's counts: a change that allocates more fails here; one that
// allocates less should lower them.
var allocCeilings = map[string]float64{
	"framed pooled":             8,
	"ttheader+metainfo pooled":  12,
	"server alone, framed":      4,
	"server alone, ttheader+mi": 8,
}

func startEcho(t *testing.T) string {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(echoMsg),
		server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	return ln.Addr().String()
}

func TestAllocsPerCall(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	got := map[string]float64{}
	for _, f := range []frame.Framing{frame.Framed, frame.TTHeader} {
		c, err := client.New("Echo", client.WithAddress(startEcho(t)), client.WithFraming(f), client.WithMaxIdle(1))
		if err != nil {
			t.Fatal(err)
		}
		e := &echo.EchoClient{Client: c}
		ctx := context.Background()
		name := "framed pooled"
		if f == frame.TTHeader {
			name = "ttheader+metainfo pooled"
			ctx = metainfo.WithPersistentValue(ctx, "trace", "0123456789abcdef")
			ctx = metainfo.WithValue(ctx, "tenant", "bench")
		}
		var callErr error
		got[name] = testing.AllocsPerRun(2000, func() {
			r, err := e.Echo(ctx, payload)
			if err == nil && len(r) != len(payload) {
				err = harness.ErrShortReply
			}
			if err != nil {
				callErr = err
			}
		})
		if callErr != nil {
			t.Fatal(callErr)
		}
		c.Close()
	}
	for _, f := range []frame.Framing{frame.Framed, frame.TTHeader} {
		name := "server alone, framed"
		if f == frame.TTHeader {
			name = "server alone, ttheader+mi"
		}
		req, err := harness.Request(f, size)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := net.Dial("tcp", startEcho(t))
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 0, 4096)
		var callErr error
		got[name] = testing.AllocsPerRun(2000, func() {
			if _, err := conn.Write(req); err != nil {
				callErr = err
				return
			}
			if buf, err = harness.ReadFrame(conn, buf, 1<<20); err != nil {
				callErr = err
			}
			if len(buf) < size {
				callErr = harness.ErrShortReply
			}
		})
		if callErr != nil {
			t.Fatal(callErr)
		}
		conn.Close()
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		n := got[name]
		t.Logf("%s: %.2f allocs/call", name, n)
		if n > allocCeilings[name] {
			t.Errorf("%s: %.2f allocs per call, over the ceiling of %v", name, n, allocCeilings[name])
		}
	}
}
