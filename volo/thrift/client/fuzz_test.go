package client_test

import (
	"context"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// FuzzReply answers a call with arbitrary bytes, then closes the
// connection: whatever they are, the client returns promptly with a
// result or a typed error, pooled and multiplexed, over Framed and
// TTHeader, and never panics.
func FuzzReply(f *testing.F) {
	ok := "ok"
	framed := func(b []byte) []byte { return append(binary.BigEndian.AppendUint32(nil, uint32(len(b))), b...) }
	f.Add(framed(thrift.AppendMessage(nil, "echo", thrift.MessageReply, 1, &echo.EchoEchoResult{Success: &ok})))
	f.Add(framed(thrift.AppendMessage(nil, "echo", thrift.MessageReply, 7, &echo.EchoEchoResult{Success: &ok})))
	f.Add(framed(thrift.AppendMessage(nil, "echo", thrift.MessageCall, 1, &echo.EchoEchoResult{})))
	f.Add(framed(thrift.AppendMessage(nil, "echo", thrift.MessageException, 1, thrift.NewApplicationException(thrift.ExceptionInternalError, "boom"))))
	if b, err := frame.AppendMessage(nil, frame.TTHeader, &frame.Header{SeqID: 1, StrInfo: map[string]string{"biz-status": "3"}},
		"echo", thrift.MessageReply, 1, &echo.EchoEchoResult{Success: &ok}); err == nil {
		f.Add(b)
	}
	f.Add([]byte{0, 0, 0, 1, 0})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, reply []byte) {
		for _, opts := range [][]client.Option{
			{client.WithFraming(frame.Framed)},
			{client.WithFraming(frame.TTHeader), client.WithMultiplexing(1)},
		} {
			ln := volotest.NewListener()
			go func() {
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				defer conn.Close()
				var req frame.Frame
				if frame.NewReader(conn).Next(&req) != nil {
					return
				}
				_, _ = conn.Write(reply)
			}()
			c, err := echo.NewEchoClient(append(opts, client.WithAddress("fuzz"), client.WithDialer(ln.Dial),
				client.WithRPCTimeout(5*time.Second))...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Echo(context.Background(), "x")
			var ae *thrift.ApplicationException
			switch {
			case err == nil, errors.As(err, &ae), errors.Is(err, volo.ErrBiz),
				errors.Is(err, volo.ErrProtocol), errors.Is(err, volo.ErrConnection):
			default:
				t.Fatalf("untyped error: %v", err)
			}
			if errors.Is(err, volo.ErrTimeout) {
				t.Fatalf("waited out the deadline: %v", err)
			}
			c.Close()
			ln.Close()
		}
	})
}
