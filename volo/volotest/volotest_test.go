package volotest_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInMemoryEveryFraming(t *testing.T) {
	ln := volotest.NewListener()
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return strings.ToUpper(msg), nil
	}))
	for _, f := range []frame.Framing{frame.TTHeader, frame.TTHeaderFramed, frame.Framed, frame.Buffered} {
		c, err := client.New("Echo", client.WithAddress("mem"), client.WithDialer(ln.Dial), client.WithFraming(f))
		require.NoError(t, err)
		for range 3 { // reuses the pooled pipe
			got, err := (&echo.EchoClient{Client: c}).Echo(context.Background(), "pipe")
			require.NoError(t, err)
			assert.Equal(t, "PIPE", got)
		}
		c.Close()
	}
}

func TestListenerClosed(t *testing.T) {
	ln := volotest.NewListener()
	require.NoError(t, ln.Close())
	_, err := ln.Accept()
	require.ErrorIs(t, err, net.ErrClosed)
	_, err = ln.Dial(context.Background(), "tcp", "x")
	require.ErrorIs(t, err, net.ErrClosed)
	assert.Equal(t, "volotest", ln.Addr().String())

	c, err := client.New("Echo", client.WithAddress("mem"), client.WithDialer(ln.Dial))
	require.NoError(t, err)
	defer c.Close()
	_, err = (&echo.EchoClient{Client: c}).Echo(context.Background(), "x")
	require.ErrorIs(t, err, volo.ErrConnection)
}

func TestDialWaitsForContext(t *testing.T) {
	ln := volotest.NewListener() // nobody accepts
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := ln.Dial(ctx, "tcp", "x")
	require.True(t, errors.Is(err, context.DeadlineExceeded))
}
