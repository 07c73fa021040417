package circuitbreaker

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestOpenUntilSaturates checks the fast rejection of an open breaker, which
// only the internal deadline shows: from outside, gobreaker rejects too, but
// not in the moment between a trip and gobreaker opening.
func TestOpenUntilSaturates(t *testing.T) {
	for _, d := range []time.Duration{time.Hour, math.MaxInt64 / 2, math.MaxInt64 - 1, math.MaxInt64} {
		c := breakerConfig([]BreakerOption{WithOpenTimeout(d), WithConsecutiveFailures(1)})
		b := newBreaker("k", &c)
		b.record(b.phase.Load(), Failure)
		assert.False(t, b.closed())
		assert.Greater(t, b.openUntil.Load(), int64(monotonic()), "open timeout %v: calls are rejected before gobreaker is asked", d)
		assert.Equal(t, StateOpen, b.snapshot().State)
	}
}
