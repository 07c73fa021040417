package discovery

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// endpoint is one instance in a snapshot. Its stats outlive the snapshot:
// an instance that stays across updates keeps its latency and failures.
type endpoint struct {
	inst Instance
	st   *stats
}

// stats is what the balancer learns about an instance from its calls.
type stats struct {
	// load holds the calls in flight in its low 32 bits and a count of
	// picks, which wraps, in its high 32 bits: one atomic add per pick
	// updates both.
	load atomic.Uint64
	// ewma is the peak-EWMA latency in nanoseconds (float64 bits), and
	// stamp the clock reading of its last update. The pick path reads them
	// without a lock; writers hold mu.
	ewma  atomic.Uint64
	stamp atomic.Int64

	ejected     atomic.Bool
	consecutive atomic.Int32
	ejections   atomic.Int32 // ejections in a row without a success, for the back-off

	mu      sync.Mutex
	timer   *time.Timer
	removed bool // the instance left the set; no new timers
}

// decayFactor is exp(-x) for x >= 0, the share of an estimate left after x
// time constants. Under load x is tiny between updates, and a short series
// spares the exponential (error under 2e-7 when x < 0.01).
func decayFactor(x float64) float64 {
	switch {
	case x <= 0:
		return 1
	case x < 0.01:
		return 1 - x + x*x/2
	}
	return math.Exp(-x)
}

// Updates of load: a pick adds one pick and one call in flight; its Done
// takes the call back out.
const (
	picked   = 1<<32 | 1
	finished = ^uint64(0) // adds -1 to the calls in flight
)

// sampleEvery is how often a call to an instance is timed once it has an
// estimate: one pick in sampleEvery. Timing a call reads the clock at both
// ends, which costs more than the rest of a pick; the calls in flight,
// counted on every pick, still steer picks away from an instance that
// slows down between samples.
const sampleEvery = 16

// penalty is the cost of one call in flight to an instance with no latency
// estimate: far above any real latency (about 17 minutes in ns).
const penalty = 1e12

// observe folds one latency (ns) into the estimate. A latency above the
// estimate replaces it at once (the peak); a lower one is blended in with a
// weight that grows with the time since the last update.
func (s *stats) observe(now, rtt int64, invTau float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	prev := math.Float64frombits(s.ewma.Load())
	r := float64(rtt)
	var next float64
	switch {
	case prev == 0 || r > prev:
		next = r
	default:
		w := decayFactor(float64(now-s.stamp.Load()) * invTau)
		next = prev*w + r*(1-w)
	}
	s.ewma.Store(math.Float64bits(next))
	s.stamp.Store(now)
}
