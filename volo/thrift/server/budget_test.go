package server_test

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// Over its share of the bytes-in-flight budget, a connection is not read
// any more until its calls end, while another connection is served.
func TestBudgetPausesOnlyTheConnectionThatHoldsBytes(t *testing.T) {
	const budget, reqSize = 4 << 20, 256 << 10 // a connection's share: 512 KiB, two requests
	ln := volotest.ListenTCP(t)
	var held atomic.Int64
	release := make(chan struct{})
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		if strings.HasPrefix(msg, "hold") {
			held.Add(1)
			<-release
			return "held", nil
		}
		return msg, nil
	}), quiet, server.WithMaxBytesInFlight(budget))

	hog := dialRaw(t, ln.Addr().String())
	big := "hold" + strings.Repeat("h", reqSize)
	const sent = 6
	for i := range sent {
		_, err := hog.Write(framedCall(t, int32(i+1), big))
		require.NoError(t, err)
	}
	waitFor(t, "the first two requests", func() bool { return held.Load() == 2 })

	// Another peer is served meanwhile.
	e := newEcho(t, ln.Addr().String())
	for range 3 {
		got, err := e.Echo(context.Background(), "other")
		require.NoError(t, err)
		assert.Equal(t, "other", got)
	}
	assert.Equal(t, int64(2), held.Load(), "the connection over its share was not read on")

	close(release)
	r := frame.NewReader(hog)
	for i := range sent {
		res, err := readEcho(r)
		require.NoError(t, err, "reply %d", i)
		assert.Equal(t, "held", res)
	}
	assert.Equal(t, int64(sent), held.Load())
}

// At the connection cap, a connection idle for a while is closed
// gracefully to make room for a new one.
func TestMaxConnsEvictsTheLongestIdle(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet, server.WithMaxConns(2))
	first := dialRaw(t, ln.Addr().String())
	time.Sleep(100 * time.Millisecond)
	second := dialRaw(t, ln.Addr().String())
	_, err := second.Write(framedCall(t, 1, "x"))
	require.NoError(t, err)
	_, err = readEcho(frame.NewReader(second))
	require.NoError(t, err)

	time.Sleep(1100 * time.Millisecond) // both idle for the second eviction asks
	got, err := newEcho(t, ln.Addr().String()).Echo(context.Background(), "new")
	require.NoError(t, err)
	assert.Equal(t, "NEW", got)
	_, err = first.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "the longest idle was closed, cleanly")
}

// readEcho reads one echo reply from r.
func readEcho(r *frame.Reader) (string, error) {
	var f frame.Frame
	if err := r.Next(&f); err != nil {
		return "", err
	}
	var res echo.EchoEchoResult
	if _, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(f.Payload), &res); err != nil {
		return "", err
	}
	if res.Success == nil {
		return "", nil
	}
	return *res.Success, nil
}
