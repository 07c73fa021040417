package client_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/client"
	"github.com/govolo/volo/volo/volotest"
)

// deadlineEcho answers with how far off its context's deadline is.
func deadlineEcho(ctx context.Context, _ string) (string, error) {
	d, ok := ctx.Deadline()
	if !ok {
		return "none", nil
	}
	if time.Until(d) < time.Hour {
		return "short: " + time.Until(d).String(), nil
	}
	return "long", nil
}

func TestFarDeadlinesReachTheServerIntact(t *testing.T) {
	ln := volotest.ListenTCP(t)
	volotest.StartServer(t, ln, volotest.EchoService, volotest.EchoFunc(deadlineEcho))
	for _, mux := range []int{0, 1} {
		c := echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(mux),
			client.WithRPCTimeout(math.MaxInt64))
		got, err := c.Echo(context.Background(), "x")
		require.NoError(t, err, "mux %d", mux)
		assert.Equal(t, "long", got, "mux %d: rpc timeout of MaxInt64", mux)

		c = echoClient(t, client.WithAddress(ln.Addr().String()), client.WithMultiplexing(mux))
		for _, far := range []time.Time{
			time.Now().Add(200 * 365 * 24 * time.Hour),
			time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC),
		} {
			ctx, cancel := context.WithDeadline(context.Background(), far)
			got, err := c.Echo(ctx, "x")
			cancel()
			require.NoError(t, err, "mux %d, deadline %v", mux, far)
			assert.Equal(t, "long", got, "mux %d, deadline %v", mux, far)
		}
	}
}
