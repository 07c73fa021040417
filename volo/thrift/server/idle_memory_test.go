package server_test

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// heap returns the live heap after the collector ran, twice so that pools
// drop what they hold too.
func heap() int64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// Connections that sent one large request and went quiet keep no large
// buffer, on the server and in the client's pool: the heap comes back to
// its baseline once the replies are out.
func TestIdleConnectionsReleaseLargeBuffers(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 600 MB")
	}
	const size = 15 << 20
	conns := 20
	if raceEnabled {
		conns = 4 // the same check, at a pace the race detector keeps
	}
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return msg[:1], nil // a small reply: the large buffer is the request's
	}), quiet)

	var clients []*echo.EchoClient
	for range conns {
		c, err := echo.NewEchoClient(client.WithAddress(ln.Addr().String()), client.WithMaxIdle(1), client.WithReadWriteTimeout(time.Minute))
		require.NoError(t, err)
		t.Cleanup(func() { c.Close() })
		clients = append(clients, c)
	}
	// One small call each first, so that the baseline counts the
	// connections and their goroutines.
	for _, c := range clients {
		_, err := c.Echo(context.Background(), "warm")
		require.NoError(t, err)
	}
	base := heap()

	big := strings.Repeat("x", size)
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Echo(context.Background(), big)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	big = ""
	grown := heap() - base
	assert.Less(t, grown, int64(2<<20), "the server and the client's idle connections hold %d bytes more than before", grown)
}

// The client's idle connections, pooled or multiplexed, drop the buffer of
// a large reply.
func TestIdleClientReleasesLargeReplies(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 60 MB")
	}
	const size = 15 << 20
	reply := strings.Repeat("y", size)
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(context.Context, string) (string, error) {
		return reply, nil
	}), quiet)
	for _, mux := range []int{0, 2} {
		c, err := echo.NewEchoClient(client.WithAddress(ln.Addr().String()), client.WithMaxIdle(4), client.WithMultiplexing(mux))
		require.NoError(t, err)
		_, err = c.Echo(context.Background(), "warm") // dial before the baseline
		require.NoError(t, err)
		base := heap()
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, err := c.Echo(context.Background(), "x")
				assert.NoError(t, err)
				assert.Len(t, got, size)
			}()
		}
		wg.Wait()
		grown := heap() - base
		assert.Less(t, grown, int64(2<<20), "mux %d: the idle connections hold %d bytes more than before", mux, grown)
		require.NoError(t, c.Close())
	}
}
