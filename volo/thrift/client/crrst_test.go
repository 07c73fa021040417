package client_test

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConnResetDropsConnection serves replies that carry crrst, as a
// server shutting down does: the client must not reuse the connection.
func TestConnResetDropsConnection(t *testing.T) {
	ln := volotest.ListenTCP(t)
	var accepted atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				replyWithReset(c)
			}()
		}
	}()
	defer wg.Wait()
	defer ln.Close()

	e := newClient(t, client.WithAddress(ln.Addr().String()))
	for range 3 {
		got, err := e.Echo(context.Background(), "x")
		require.NoError(t, err)
		assert.Equal(t, "x", got)
	}
	assert.Equal(t, int64(3), accepted.Load(), "each call needed a new connection")
	e.Close()
}

// replyWithReset echoes each request on c with crrst set in the reply.
func replyWithReset(c net.Conn) {
	r := frame.NewReader(c)
	for {
		var f frame.Frame
		if r.Next(&f) != nil {
			return
		}
		var args echo.EchoEchoArgs
		name, _, seq, err := thrift.DecodeMessage(thrift.NewDecoder(f.Payload), &args)
		if err != nil {
			return
		}
		h := &frame.Header{SeqID: f.Header.SeqID, StrInfo: map[string]string{frame.KeyConnReset: "1"}}
		b, err := frame.AppendMessage(nil, f.Framing, h, name, thrift.MessageReply, seq, &echo.EchoEchoResult{Success: &args.Msg})
		if err != nil {
			return
		}
		if _, err := c.Write(b); err != nil {
			return
		}
	}
}
