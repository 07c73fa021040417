package server_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// readReply reads one Framed echo reply from r and returns its seq id and
// message.
func readReply(t *testing.T, r *frame.Reader) (int32, string) {
	t.Helper()
	var f frame.Frame
	require.NoError(t, r.Next(&f))
	var res echo.EchoEchoResult
	_, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(f.Payload), &res)
	require.NoError(t, err)
	require.Equal(t, thrift.MessageReply, typ)
	require.NotNil(t, res.Success)
	return seq, *res.Success
}

// A call the server runs on the connection's reader (the only call on its
// connection, nothing sent behind it) does not hold up a request the peer
// sends while it runs: the first call here waits for the second to run,
// and both are answered.
func TestInlineCallDoesNotHoldUpTheNext(t *testing.T) {
	ln := volotest.ListenTCP(t)
	srv, err := server.New(quiet)
	require.NoError(t, err)
	second := make(chan struct{})
	var started atomic.Int64
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		started.Add(1)
		if msg == "first" {
			select {
			case <-second:
			case <-time.After(10 * time.Second):
				return "", assert.AnError
			}
		} else if msg == "second" {
			close(second)
		}
		return msg, nil
	})))
	served := serve(t, srv, ln)

	c := dialRaw(t, ln.Addr().String())
	r := frame.NewReader(c)
	// Ping-pong first, so that the connection runs its calls inline.
	for i := range 3 {
		_, err = c.Write(framedCall(t, int32(10+i), "warm"))
		require.NoError(t, err)
		seq, _ := readReply(t, r)
		require.Equal(t, int32(10+i), seq)
	}
	_, err = c.Write(framedCall(t, 1, "first"))
	require.NoError(t, err)
	waitFor(t, "the first call", func() bool { return started.Load() == 4 })
	_, err = c.Write(framedCall(t, 2, "second"))
	require.NoError(t, err)
	// The first returns only once the second has run, so both replies
	// come only if the second was read while the first ran; in either
	// order, as the second's end wakes the first.
	got := map[int32]string{}
	for range 2 {
		seq, msg := readReply(t, r)
		got[seq] = msg
	}
	assert.Equal(t, map[int32]string{1: "first", 2: "second"}, got)

	// The connection goes on: its peer has been seen to pipeline, and it
	// is served by workers from now on.
	for i := range 3 {
		_, err = c.Write(framedCall(t, int32(20+i), "after"))
		require.NoError(t, err)
		seq, _ := readReply(t, r)
		require.Equal(t, int32(20+i), seq)
	}
	c.Close()
	require.NoError(t, srv.Shutdown(context.Background()))
	require.ErrorIs(t, <-served, volo.ErrServerClosed)
}
