package rpc_test

import (
	"io"
	"net"
	"runtime"
	"testing"
	"time"

	benchpb "github.com/govolo/volo/bench/rpc/gen/bench"
	vserver "github.com/govolo/volo/volo/grpc/server"
	"golang.org/x/net/http2"
	"google.golang.org/grpc"
)

const idleConns = 1000

// heapAndStacks is what the process holds in Go memory, after a GC.
func heapAndStacks() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc + ms.StackInuse
}

// idleCost opens idleConns HTTP/2 client connections to addr that send
// the preface and their SETTINGS and then stay idle, and returns the Go
// memory the server holds per connection once it has taken them all.
// The clients are raw sockets, the same for both servers.
func idleCost(b *testing.B, addr string) float64 {
	before := heapAndStacks()
	conns := make([]net.Conn, 0, idleConns)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	var hello []byte
	{
		w := &sliceWriter{}
		fr := http2.NewFramer(w, nil)
		fr.WriteSettings()
		fr.WriteSettingsAck()
		hello = append([]byte(http2.ClientPreface), w.b...)
	}
	for range idleConns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := c.Write(hello); err != nil {
			b.Fatal(err)
		}
		conns = append(conns, c)
	}
	// Read each server's SETTINGS, so every connection is past its
	// handshake on the server.
	for _, c := range conns {
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		fr := http2.NewFramer(io.Discard, c)
		if _, err := fr.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
	time.Sleep(200 * time.Millisecond)
	after := heapAndStacks()
	return float64(int64(after)-int64(before)) / idleConns
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// BenchmarkIdleConns1000 reports the Go memory (heap and stacks) a server
// holds per idle HTTP/2 connection, with 1000 of them open: volo's gRPC
// server beside grpc-go's. Each iteration opens and closes all 1000.
func BenchmarkIdleConns1000(b *testing.B) {
	b.Run("volo-grpc", func(b *testing.B) {
		srv, err := vserver.New()
		if err != nil {
			b.Fatal(err)
		}
		if err := benchpb.RegisterEcho(srv, echoImpl{}); err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go srv.Serve(ln)
		defer srv.Close()
		measureIdle(b, ln.Addr().String())
	})
	b.Run("grpc-go", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := grpc.NewServer()
		srv.RegisterService(&grpcGoEchoDesc, nil)
		go srv.Serve(ln)
		defer srv.Stop()
		measureIdle(b, ln.Addr().String())
	})
}

func measureIdle(b *testing.B, addr string) {
	b.ReportAllocs()
	total := 0.0
	for range b.N {
		total += idleCost(b, addr)
	}
	b.ReportMetric(total/float64(b.N), "B/idle-conn")
}
