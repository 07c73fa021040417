// Command server is the two-process benchmark's server: it serves echo with
// one stack on a loopback port until it is interrupted.
//
//	server -stack volo|apache|grpc|floor [-addr 127.0.0.1:0] [-debug 127.0.0.1:0]
//
// It prints "listen ADDR" and "debug ADDR" on standard output once it
// serves. The debug address serves net/http/pprof and /mem, the process's
// memory after two collections as JSON. The volo stack serves Framed and
// TTHeader on one port.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"

	"github.com/govolo/volo/bench/harness"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func main() {
	stack := flag.String("stack", "volo", "volo, apache, grpc or floor")
	addr := flag.String("addr", "127.0.0.1:0", "address to serve on")
	debug := flag.String("debug", "127.0.0.1:0", "address of pprof and /mem")
	rates := flag.Bool("profile-contention", false, "record block and mutex profiles")
	flag.Parse()
	if _, err := harness.RaiseFileLimit(); err != nil {
		log.Printf("file limit: %v", err)
	}
	if *rates {
		runtime.SetBlockProfileRate(10000) // one sample per 10µs blocked
		runtime.SetMutexProfileFraction(10)
	}

	dln, err := net.Listen("tcp", *debug)
	if err != nil {
		log.Fatal(err)
	}
	http.HandleFunc("/mem", func(w http.ResponseWriter, _ *http.Request) {
		json.NewEncoder(w).Encode(harness.ReadMem())
	})
	go http.Serve(dln, nil)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	stop, err := serve(*stack, ln)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("listen %s\ndebug %s\n", ln.Addr(), dln.Addr())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	stop()
}

// serve starts stack on ln and returns what stops it.
func serve(stack string, ln net.Listener) (stop func(), err error) {
	switch stack {
	case "volo":
		srv, err := server.New(
			server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
			server.WithMaxConns(20000),
			server.WithoutIdleTimeout(),
			server.WithMaxFrameSize(64<<20),
		)
		if err != nil {
			return nil, err
		}
		if err := srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
			return msg, nil
		})); err != nil {
			return nil, err
		}
		go srv.Serve(ln)
		return func() { srv.Close() }, nil
	case "apache":
		sock := athrift.NewTServerSocketFromAddrTimeout(ln.Addr(), 0)
		ln.Close()
		if err := sock.Listen(); err != nil {
			return nil, err
		}
		srv := athrift.NewTSimpleServer4(harness.ApacheProcessor{}, sock,
			athrift.NewTFramedTransportFactoryConf(athrift.NewTTransportFactory(), harness.ApacheConf),
			athrift.NewTBinaryProtocolFactoryConf(harness.ApacheConf))
		go srv.Serve()
		return func() { srv.Stop() }, nil
	case "grpc":
		srv := grpc.NewServer(grpc.ForceServerCodecV2(harness.RawCodec{}), grpc.MaxRecvMsgSize(64<<20))
		srv.RegisterService(&harness.GRPCEchoDesc, nil)
		go srv.Serve(ln)
		return srv.Stop, nil
	case "floor":
		go floor(ln)
		return func() { ln.Close() }, nil
	}
	return nil, fmt.Errorf("unknown stack %q", stack)
}

// floor is a bare length-prefixed echo loop: each connection's goroutine
// reads a four-byte size and that many bytes, and writes them back as they
// came. No decoding, no framework: the least a server can do per call.
func floor(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 0, 4096)
			for {
				var err error
				buf, err = harness.ReadFrame(c, buf, 64<<20)
				if err != nil {
					return
				}
				if _, err := c.Write(buf); err != nil {
					return
				}
				if cap(buf) > 64<<10 {
					buf = make([]byte, 0, 4096) // do not keep a large buffer while idle
				}
			}
		}()
	}
}
