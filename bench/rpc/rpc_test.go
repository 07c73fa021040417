package rpc_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/govolo/volo/volo/client"
	"github.com/govolo/volo/volo/frame"
	"github.com/govolo/volo/volo/server"
	"github.com/govolo/volo/volo/volotest"
)

const (
	callers = 100
	size    = 1024
)

var payload = strings.Repeat("x", size)

// run calls call from callers goroutines until b.N calls are done, and
// reports the 99th percentile latency.
func run(b *testing.B, call func(ctx context.Context) error) {
	b.Helper()
	ctx := context.Background()
	// Warm up: fill the pools.
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := call(ctx); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	lat := make([][]time.Duration, callers)
	next := make(chan struct{}, callers)
	b.ReportAllocs()
	b.ResetTimer()
	go func() {
		for range b.N {
			next <- struct{}{}
		}
		close(next)
	}()
	for i := range callers {
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

func echo(_ context.Context, msg string) (string, error) { return msg, nil }

func BenchmarkEcho1KB(b *testing.B) {
	for _, f := range []frame.Framing{frame.TTHeader, frame.Framed} {
		b.Run("volo-"+f.String(), func(b *testing.B) {
			ln := volotest.ListenTCP(b)
			volotest.StartServer(b, ln, volotest.EchoService, volotest.EchoFunc(echo),
				server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
			c, err := client.New("Echo", client.WithAddress(ln.Addr().String()), client.WithFraming(f), client.WithMaxIdle(callers))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			e := volotest.EchoClient{C: c}
			run(b, func(ctx context.Context) error {
				got, err := e.Echo(ctx, payload)
				if err == nil && len(got) != size {
					b.Error("short reply")
				}
				return err
			})
		})
	}
	b.Run("apache-framed", func(b *testing.B) {
		addr, stop := startApache(b)
		defer stop()
		pool := make(chan *athrift.TStandardClient, callers)
		var transports []athrift.TTransport
		for range callers {
			trans := athrift.NewTFramedTransportConf(athrift.NewTSocketConf(addr, conf), conf)
			if err := trans.Open(); err != nil {
				b.Fatal(err)
			}
			transports = append(transports, trans)
			p := athrift.NewTBinaryProtocolConf(trans, conf)
			pool <- athrift.NewTStandardClient(p, p)
		}
		defer func() {
			for _, t := range transports {
				t.Close()
			}
		}()
		run(b, func(ctx context.Context) error {
			c := <-pool
			defer func() { pool <- c }()
			var res echoResult
			_, err := c.Call(ctx, "echo", &echoArgs{Msg: payload}, &res)
			if err == nil && (res.Success == nil || len(*res.Success) != size) {
				b.Error("short reply")
			}
			return err
		})
	})
	b.Run("grpc-go", func(b *testing.B) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := grpc.NewServer(grpc.ForceServerCodecV2(rawCodecV2{}))
		srv.RegisterService(&grpcEchoDesc, nil)
		go srv.Serve(ln)
		defer srv.Stop()
		cc, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodecV2(rawCodecV2{})))
		if err != nil {
			b.Fatal(err)
		}
		defer cc.Close()
		req := []byte(payload)
		run(b, func(ctx context.Context) error {
			var res []byte
			err := cc.Invoke(ctx, "/echo.Echo/Echo", &req, &res)
			if err == nil && len(res) != size {
				b.Error("short reply")
			}
			return err
		})
	})
}
