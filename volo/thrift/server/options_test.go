package server

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/volo/thrift/frame"
)

// TestOptionsZeroIsDefault checks the zero rule: zero or less gives each
// option's default, and only a Without... option turns a bound off.
func TestOptionsZeroIsDefault(t *testing.T) {
	def := newConfig(nil)
	for _, n := range []int{0, -1} {
		d := time.Duration(n)
		got := newConfig([]Option{
			WithReadTimeout(time.Hour), WithReadTimeout(d),
			WithWriteTimeout(time.Hour), WithWriteTimeout(d),
			WithIdleTimeout(time.Hour), WithIdleTimeout(d),
			WithLinger(time.Hour), WithLinger(d),
			WithMaxConns(5), WithMaxConns(n),
			WithMaxBytesInFlight(5), WithMaxBytesInFlight(int64(n)),
			WithMaxCallsPerConn(5), WithMaxCallsPerConn(n),
			WithMaxFrameSize(5), WithMaxFrameSize(n),
			WithCodec(nil), WithLogger(nil),
		})
		assert.Equal(t, DefaultReadTimeout, got.readTimeout)
		assert.Equal(t, DefaultWriteTimeout, got.writeTimeout)
		assert.Equal(t, DefaultIdleTimeout, got.idleTimeout)
		assert.Equal(t, time.Duration(DefaultLinger), got.linger)
		assert.False(t, got.maxConnsSet, "the default cap, lowered to the open-file limit")
		assert.Equal(t, int64(DefaultMaxBytesInFlight), got.maxInFlight)
		assert.Equal(t, DefaultMaxCallsPerConn, got.maxCalls)
		assert.Equal(t, frame.DefaultMaxFrameSize, got.maxFrame)
		assert.NotNil(t, got.codec)
		assert.NotNil(t, got.logger)
		assert.Equal(t, def.readTimeout, got.readTimeout)
	}

	off := newConfig([]Option{
		WithoutReadTimeout(), WithoutWriteTimeout(), WithoutIdleTimeout(), WithoutLinger(),
		WithoutConnCap(), WithoutByteBudget(), WithoutCallCap(),
	})
	assert.Zero(t, off.readTimeout)
	assert.Zero(t, off.writeTimeout)
	assert.Zero(t, off.idleTimeout)
	assert.Zero(t, off.linger)
	assert.True(t, off.maxConnsSet)
	assert.Zero(t, off.maxConns)
	assert.Zero(t, off.maxInFlight)
	assert.Zero(t, off.maxCalls)

	// A later With... option turns a bound back on.
	on := newConfig([]Option{WithoutIdleTimeout(), WithIdleTimeout(time.Minute), WithoutConnCap(), WithMaxConns(3)})
	assert.Equal(t, time.Minute, on.idleTimeout)
	assert.Equal(t, 3, on.maxConns)
}
