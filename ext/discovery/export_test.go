package discovery

import (
	"math"
	"time"
)

// SetClock replaces the balancer's monotonic clock (nanoseconds), for
// simulations in virtual time. Call it before the first pick.
func SetClock(b *Balancer, now func() int64) { b.clock = now }

// Estimate returns the PeakEWMA latency estimate of the instance at addr,
// zero when it has none (or is not in the set).
func Estimate(b *Balancer, addr string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.stats[addr]
	if st == nil {
		return 0
	}
	return time.Duration(math.Float64frombits(st.ewma.Load()))
}
