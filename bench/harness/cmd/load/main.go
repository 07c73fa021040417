// Command load is the two-process benchmark's load client. It calls echo
// on a server started by cmd/server from -c goroutines for -d and prints
// one line: the mode, concurrency, payload size, QPS, p50, p99 and p999
// latency in microseconds, and the errors.
//
//	load -mode MODE -addr ADDR [-c 100] [-size 1024] [-d 5s]
//
// Modes:
//
//	raw-framed, raw-ttheader  one connection per goroutine, a pre-encoded
//	                          request written and its reply read as a
//	                          length-prefixed frame; the same client for
//	                          every Thrift server and the floor
//	volo-framed, volo-ttheader  volo's client, pooled (a connection per
//	                          goroutine at most); TTHeader calls carry
//	                          metainfo
//	volo-ttheader-mux         volo's client, multiplexed over -conns
//	                          connections
//	grpc                      grpc-go's client over one connection
//
// With -idle N it instead opens N connections, makes one call on each
// (-mode raw-framed or grpc), reads the server's /mem from -debug before
// and after, and prints the memory per connection.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/govolo/volo/bench/harness"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

var (
	mode    = flag.String("mode", "raw-framed", "raw-framed, raw-ttheader, volo-framed, volo-ttheader, volo-ttheader-mux or grpc")
	addr    = flag.String("addr", "", "server address")
	conc    = flag.Int("c", 100, "concurrent callers")
	size    = flag.Int("size", 1024, "payload bytes")
	dur     = flag.Duration("d", 5*time.Second, "how long to call")
	conns   = flag.Int("conns", 1, "connections of volo-ttheader-mux")
	label   = flag.String("label", "", "the row's name (default: the mode)")
	idle    = flag.Int("idle", 0, "open this many idle connections and report the server's memory per connection")
	debug   = flag.String("debug", "", "the server's debug address (for -idle)")
	cpuProf = flag.String("cpuprofile", "", "write the client's CPU profile here")
	memProf = flag.String("memprofile", "", "write the client's allocation profile here")
)

func main() {
	flag.Parse()
	if _, err := harness.RaiseFileLimit(); err != nil {
		log.Printf("file limit: %v", err)
	}
	if *idle > 0 {
		idleConns()
		return
	}
	call, closeAll, err := caller()
	if err != nil {
		log.Fatal(err)
	}
	defer closeAll()
	if *memProf != "" {
		runtime.MemProfileRate = 4096
	}
	if *cpuProf != "" {
		f, err := os.Create(*cpuProf)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	name := *label
	if name == "" {
		name = *mode
	}
	qps, p50, p99, p999, errs := drive(call)
	fmt.Printf("%s\t%d\t%d\t%.0f\t%.0f\t%.0f\t%.0f\t%d\n", name, *conc, *size, qps, p50, p99, p999, errs)
	if *memProf != "" {
		f, err := os.Create(*memProf)
		if err != nil {
			log.Fatal(err)
		}
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
}

// A call makes one call as caller i and returns its error.
type callFunc func(ctx context.Context, i int) error

// drive runs call from conc goroutines, after one warm-up call each, for
// dur, and returns the QPS, the latency percentiles in µs and the errors.
func drive(call callFunc) (qps, p50, p99, p999 float64, errs int64) {
	ctx := context.Background()
	var wg sync.WaitGroup
	var nerr atomic.Int64
	for i := range *conc {
		wg.Go(func() {
			if err := call(ctx, i); err != nil {
				if nerr.Add(1) == 1 {
					log.Printf("warm-up: %v", err)
				}
			}
		})
	}
	wg.Wait()
	lat := make([][]time.Duration, *conc)
	var stop atomic.Bool
	start := time.Now()
	for i := range *conc {
		wg.Go(func() {
			l := make([]time.Duration, 0, 1024)
			for !stop.Load() {
				t := time.Now()
				if err := call(ctx, i); err != nil {
					if nerr.Add(1) < 4 {
						log.Printf("call: %v", err)
					}
					time.Sleep(time.Millisecond) // a dead server is not a busy loop
					continue
				}
				l = append(l, time.Since(t))
			}
			lat[i] = l
		})
	}
	time.Sleep(*dur)
	stop.Store(true)
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(float64(len(all)-1)*p)].Nanoseconds()) / 1e3
	}
	return float64(len(all)) / elapsed.Seconds(), pct(0.50), pct(0.99), pct(0.999), nerr.Load()
}

// caller builds the mode's client.
func caller() (callFunc, func(), error) {
	switch *mode {
	case "raw-framed", "raw-ttheader":
		f := frame.Framed
		if *mode == "raw-ttheader" {
			f = frame.TTHeader
		}
		req, err := harness.Request(f, *size)
		if err != nil {
			return nil, nil, err
		}
		cs := make([]net.Conn, *conc)
		bufs := make([][]byte, *conc)
		for i := range cs {
			if cs[i], err = net.Dial("tcp", *addr); err != nil {
				return nil, nil, err
			}
		}
		return func(_ context.Context, i int) error {
				if _, err := cs[i].Write(req); err != nil {
					return err
				}
				var err error
				bufs[i], err = harness.ReadFrame(cs[i], bufs[i], 64<<20)
				if err != nil {
					return err
				}
				if len(bufs[i]) < *size {
					return harness.ErrShortReply
				}
				return nil
			}, func() {
				for _, c := range cs {
					c.Close()
				}
			}, nil
	case "volo-framed", "volo-ttheader", "volo-ttheader-mux":
		// A minute for connecting too, as for reading and writing: with
		// large payloads and many callers on the client's one core, a
		// pooled client's dial (in the warm-up, or when a caller finds no
		// idle connection) waits to be scheduled behind the transfers of
		// the other callers for longer than the default connect timeout
		// of 1 s, although the kernel completed the connection at once
		// (no listen overflow or SYN drop); the timeout then measures the
		// load client's own saturation, not the server.
		opts := []client.Option{client.WithAddress(*addr), client.WithReadWriteTimeout(time.Minute), client.WithConnectTimeout(time.Minute)}
		switch *mode {
		case "volo-framed":
			opts = append(opts, client.WithFraming(frame.Framed), client.WithMaxIdle(*conc))
		case "volo-ttheader":
			opts = append(opts, client.WithFraming(frame.TTHeader), client.WithMaxIdle(*conc))
		default:
			opts = append(opts, client.WithMultiplexing(*conns))
		}
		c, err := client.New("Echo", opts...)
		if err != nil {
			return nil, nil, err
		}
		e := &echo.EchoClient{Client: c}
		msg := strings.Repeat("x", *size)
		meta := *mode != "volo-framed"
		return func(ctx context.Context, _ int) error {
			if meta {
				for k, v := range harness.Metainfo {
					if p, ok := strings.CutPrefix(k, metainfo.PrefixPersistent); ok {
						ctx = metainfo.WithPersistentValue(ctx, p, v)
					} else if p, ok := strings.CutPrefix(k, metainfo.PrefixTransient); ok {
						ctx = metainfo.WithValue(ctx, p, v)
					}
				}
			}
			got, err := e.Echo(ctx, msg)
			if err == nil && len(got) != len(msg) {
				return harness.ErrShortReply
			}
			return err
		}, func() { c.Close() }, nil
	case "grpc":
		cc, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
			grpc.WithDefaultCallOptions(grpc.ForceCodecV2(harness.RawCodec{}), grpc.MaxCallRecvMsgSize(64<<20)))
		if err != nil {
			return nil, nil, err
		}
		msg := bytes.Repeat([]byte{'x'}, *size)
		return func(ctx context.Context, _ int) error {
			req, res := msg, []byte(nil)
			if err := cc.Invoke(ctx, harness.GRPCMethod, &req, &res); err != nil {
				return err
			}
			if len(res) != len(msg) {
				return harness.ErrShortReply
			}
			return nil
		}, func() { cc.Close() }, nil
	}
	return nil, nil, fmt.Errorf("unknown mode %q", *mode)
}

// idleConns opens -idle connections, one call on each, and prints the
// server's memory per connection.
func idleConns() {
	before, err := serverMem()
	if err != nil {
		log.Fatal(err)
	}
	var closers []func()
	defer func() {
		for _, c := range closers {
			c()
		}
	}()
	opened := 0
	for range *idle {
		c, err := idleConn()
		if err != nil {
			log.Printf("after %d connections: %v", opened, err)
			break
		}
		closers = append(closers, c)
		opened++
	}
	time.Sleep(500 * time.Millisecond) // let the server's goroutines settle
	after, err := serverMem()
	if err != nil {
		log.Fatal(err)
	}
	per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / float64(opened) / 1024 }
	name := *label
	if name == "" {
		name = *mode
	}
	fmt.Printf("%s\t%d\t%.2f\t%.2f\t%.2f\t%.2f\n", name, opened,
		per(after.HeapInuse, before.HeapInuse), per(after.StackInuse, before.StackInuse),
		per(after.HeapInuse+after.StackInuse, before.HeapInuse+before.StackInuse), per(after.RSS, before.RSS))
}

func serverMem() (harness.Mem, error) {
	var m harness.Mem
	res, err := http.Get("http://" + *debug + "/mem")
	if err != nil {
		return m, err
	}
	defer res.Body.Close()
	return m, json.NewDecoder(res.Body).Decode(&m)
}

// idleConn opens one connection, makes one small call on it and leaves it
// open.
func idleConn() (func(), error) {
	switch *mode {
	case "raw-framed", "raw-ttheader":
		f := frame.Framed
		if *mode == "raw-ttheader" {
			f = frame.TTHeader
		}
		req, err := harness.Request(f, *size)
		if err != nil {
			return nil, err
		}
		c, err := net.Dial("tcp", *addr)
		if err != nil {
			return nil, err
		}
		if _, err := c.Write(req); err != nil {
			c.Close()
			return nil, err
		}
		if _, err := harness.ReadFrame(c, nil, 64<<20); err != nil {
			c.Close()
			return nil, err
		}
		return func() { c.Close() }, nil
	case "grpc":
		return harness.GRPCIdleConn(*addr, *size)
	}
	return nil, fmt.Errorf("mode %q has no idle form", *mode)
}
