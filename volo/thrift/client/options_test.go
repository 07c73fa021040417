package client

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/volo/thrift/frame"
)

// TestOptionsZeroIsDefault checks the zero rule: zero or less gives each
// option's default, and only a Without... option turns a bound off.
func TestOptionsZeroIsDefault(t *testing.T) {
	for _, n := range []int{0, -1} {
		d := time.Duration(n)
		got := newConfig([]Option{
			WithConnectTimeout(time.Hour), WithConnectTimeout(d),
			WithRPCTimeout(time.Hour), WithRPCTimeout(d),
			WithReadWriteTimeout(time.Hour), WithReadWriteTimeout(d),
			WithMaxIdle(5), WithMaxIdle(n),
			WithMaxIdleTimeout(time.Hour), WithMaxIdleTimeout(d),
			WithMaxFrameSize(5), WithMaxFrameSize(n),
			WithMultiplexing(2), WithMultiplexing(n),
			WithMaxConnsPerAddr(2), WithMaxConnsPerAddr(n),
			WithCodec(nil), WithDialer(nil), WithLogger(nil),
		})
		assert.Equal(t, DefaultConnectTimeout, got.connectTimeout)
		assert.Zero(t, got.rpcTimeout, "the default: no timeout beyond the context's")
		assert.Equal(t, DefaultReadWriteTimeout, got.rwTimeout)
		assert.Equal(t, DefaultMaxIdle, got.maxIdle)
		assert.Equal(t, DefaultMaxIdleTimeout, got.idleTimeout)
		assert.Equal(t, frame.DefaultMaxFrameSize, got.maxFrame)
		assert.Zero(t, got.muxConns, "the default: no multiplexing")
		assert.Zero(t, got.maxConns, "the default: no cap")
		assert.NotNil(t, got.codec)
		assert.NotNil(t, got.dial)
		assert.NotNil(t, got.logger)
	}

	off := newConfig([]Option{
		WithoutConnectTimeout(), WithoutReadWriteTimeout(), WithoutIdleConns(), WithoutMaxIdleTimeout(),
	})
	assert.Zero(t, off.connectTimeout)
	assert.Zero(t, off.rwTimeout)
	assert.Zero(t, off.maxIdle)
	assert.Zero(t, off.idleTimeout)

	// A later With... option turns a bound back on.
	on := newConfig([]Option{WithoutIdleConns(), WithMaxIdle(3)})
	assert.Equal(t, 3, on.maxIdle)
}
