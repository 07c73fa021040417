package server_test

import (
	"context"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"math"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
)

func TestExtremeOptionsServeCalls(t *testing.T) {
	handler := thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) { return msg, nil })
	for name, opts := range map[string][]server.Option{
		"max": {
			server.WithMaxCallsPerConn(math.MaxInt), server.WithMaxConns(math.MaxInt),
			server.WithMaxFrameSize(math.MaxInt), server.WithReadTimeout(math.MaxInt64),
			server.WithWriteTimeout(math.MaxInt64), server.WithIdleTimeout(math.MaxInt64),
		},
		"min": {
			server.WithMaxCallsPerConn(math.MinInt), server.WithMaxConns(math.MinInt),
			server.WithMaxFrameSize(math.MinInt), server.WithReadTimeout(math.MinInt64),
			server.WithWriteTimeout(math.MinInt64), server.WithIdleTimeout(math.MinInt64),
		},
		"one": {server.WithMaxCallsPerConn(1), server.WithMaxConns(1)},
	} {
		for _, mux := range []int{0, 1} {
			// A server per client: with WithMaxConns(1), a connection the
			// previous client closed may not have been noticed yet.
			ln := volotest.ListenTCP(t)
			thrifttest.StartServer(t, ln, echo.EchoServiceDesc, handler, opts...)
			c, err := client.New("Echo", client.WithAddress(ln.Addr().String()), client.WithMultiplexing(mux),
				client.WithMaxIdle(math.MaxInt), client.WithMaxIdleTimeout(math.MaxInt64),
				client.WithMaxFrameSize(math.MaxInt), client.WithConnectTimeout(math.MaxInt64),
				client.WithReadWriteTimeout(math.MaxInt64))
			require.NoError(t, err)
			ec := &echo.EchoClient{Client: c}
			for range 3 {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				got, err := ec.Echo(ctx, "hi")
				cancel()
				require.NoError(t, err, "%s, mux %d", name, mux)
				assert.Equal(t, "hi", got)
			}
			require.NoError(t, c.Close())
		}
	}
}
