package rpc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
)

const (
	callers = 100
	size    = 1024
)

// concurrencies are the numbers of callers BenchmarkEcho1KB runs with.
var concurrencies = []int{callers, 1000}

var payload = strings.Repeat("x", size)

// run calls call from n goroutines until b.N calls are done, and reports
// the 99th percentile latency.
func run(b *testing.B, n int, call func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	// Warm up: fill the pools.
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := call(ctx); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	lat := make([][]time.Duration, n)
	next := make(chan struct{}, n)
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for range b.N {
			next <- struct{}{}
		}
		close(next)
	}()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				start := time.Now()
				if err := call(ctx); err != nil {
					b.Error(err)
					return
				}
				lat[i] = append(lat[i], time.Since(start))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
	}
}

func echoMsg(_ context.Context, msg string) (string, error) { return msg, nil }

// A contender is one RPC stack with a client ready to call echo(payload).
type contender struct {
	name string
	// call makes one call and returns the reply's message.
	call func(ctx context.Context) (string, error)
}

// contenders starts every stack, with pools for n callers; all are stopped
// when tb ends.
func contenders(tb testing.TB, n int) []contender {
	tb.Helper()
	var cs []contender
	for _, f := range []frame.Framing{frame.TTHeader, frame.Framed} {
		ln := volotest.ListenTCP(tb)
		thrifttest.StartServer(tb, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(echoMsg),
			server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		c, err := client.New("Echo", client.WithAddress(ln.Addr().String()), client.WithFraming(f), client.WithMaxIdle(n))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { c.Close() })
		e := &echo.EchoClient{Client: c}
		cs = append(cs, contender{"volo-" + f.String(), func(ctx context.Context) (string, error) {
			return e.Echo(ctx, payload)
		}})
	}

	// The same TTHeader stack with every call multiplexed over one
	// connection, as grpc-go multiplexes its streams over one.
	{
		ln := volotest.ListenTCP(tb)
		thrifttest.StartServer(tb, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(echoMsg),
			server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		c, err := client.New("Echo", client.WithAddress(ln.Addr().String()), client.WithMultiplexing(1))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { c.Close() })
		e := &echo.EchoClient{Client: c}
		cs = append(cs, contender{"volo-ttheader-mux1", func(ctx context.Context) (string, error) {
			return e.Echo(ctx, payload)
		}})
	}

	addr := startApache(tb)
	pool := make(chan *athrift.TStandardClient, n)
	for range n {
		trans := athrift.NewTFramedTransportConf(athrift.NewTSocketConf(addr, conf), conf)
		if err := trans.Open(); err != nil {
			tb.Fatal(err)
		}
		// Registered before the server's stop, so it runs first.
		tb.Cleanup(func() { trans.Close() })
		p := athrift.NewTBinaryProtocolConf(trans, conf)
		pool <- athrift.NewTStandardClient(p, p)
	}
	cs = append(cs, contender{"apache-framed", func(ctx context.Context) (string, error) {
		c := <-pool
		defer func() { pool <- c }()
		var res echoResult
		if _, err := c.Call(ctx, echo.EchoEchoMethod.Name, &echoArgs{Msg: payload}, &res); err != nil {
			return "", err
		}
		if res.Success == nil {
			return "", errors.New("no result")
		}
		return *res.Success, nil
	}})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := grpc.NewServer(grpc.ForceServerCodecV2(rawCodecV2{}))
	srv.RegisterService(&grpcEchoDesc, nil)
	go srv.Serve(ln)
	tb.Cleanup(srv.Stop)
	cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodecV2(rawCodecV2{})))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { cc.Close() })
	cs = append(cs, contender{"grpc-go", func(ctx context.Context) (string, error) {
		req, res := []byte(payload), []byte(nil)
		err := cc.Invoke(ctx, "/echo.Echo/Echo", &req, &res)
		return string(res), err
	}})
	return cs
}

// TestContendersAgree checks that every stack echoes the payload, so that
// the benchmark compares the same work.
func TestContendersAgree(t *testing.T) {
	for _, c := range contenders(t, callers) {
		got, err := c.call(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got != payload {
			t.Errorf("%s: echoed %d bytes, want %d", c.name, len(got), len(payload))
		}
	}
}

// BenchmarkEcho1KB: every stack at 100 and at 1,000 concurrent callers,
// each stack's pool sized for its callers (grpc-go and the multiplexed
// volo client use one connection).
func BenchmarkEcho1KB(b *testing.B) {
	for _, n := range concurrencies {
		b.Run(fmt.Sprintf("c=%d", n), func(b *testing.B) {
			for _, c := range contenders(b, n) {
				b.Run(c.name, func(b *testing.B) {
					run(b, n, func(ctx context.Context) error {
						got, err := c.call(ctx)
						if err == nil && len(got) != size {
							b.Error("short reply")
						}
						return err
					})
				})
			}
		})
	}
}
