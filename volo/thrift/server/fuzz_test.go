package server_test

import (
	"io"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/volotest"
)

// FuzzServerInput feeds arbitrary bytes to a server connection: whatever
// arrives, the server must neither panic nor stop serving others.
func FuzzServerInput(f *testing.F) {
	for _, fr := range []frame.Framing{frame.TTHeader, frame.TTHeaderFramed, frame.Framed, frame.Buffered} {
		h := &frame.Header{SeqID: 1, StrInfo: map[string]string{"isn": "Echo", "RPC_PERSIST_k": "v"}, RPCTimeout: time.Second}
		b, err := frame.AppendMessage(nil, fr, h, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "seed"})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(append(b, b...))
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte("GET / HTTP/1.1\r\n\r\n"))
	f.Add([]byte{0, 0, 0, 8, 0x80, 0x01, 0, 4, 0, 0, 0, 0})
	f.Add([]byte{0x80, 0x01, 0, 1, 0, 0, 0, 4, 'e', 'c', 'h', 'o', 0, 0, 0, 1, 11, 0, 1, 0xff, 0xff, 0xff, 0xff})

	ln := volotest.NewListener()
	thrifttest.StartServer(f, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet,
		server.WithReadTimeout(20*time.Millisecond), server.WithIdleTimeout(20*time.Millisecond))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ln.Dial(t.Context(), "", "")
		if err != nil {
			t.Fatal(err)
		}
		drained := make(chan struct{})
		go func() {
			defer close(drained)
			io.Copy(io.Discard, c)
		}()
		c.SetWriteDeadline(time.Now().Add(time.Second))
		c.Write(in) // the server may close early: errors are expected
		c.Close()
		<-drained
	})
}
