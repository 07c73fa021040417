package retry

import (
	"math"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"
)

// ewma is a moving average of the latency of answered attempts, in
// nanoseconds: the layer's guess of how long an attempt takes, to tell
// whether one still fits before the deadline. Updates race benignly: one
// may be lost, none is torn.
type ewma struct{ v atomic.Int64 }

// ewmaWeight is the weight of the newest sample: about the last 10 count.
const ewmaWeight = 0.1

func (e *ewma) observe(d time.Duration) {
	if d <= 0 {
		return
	}
	old := e.v.Load()
	if old == 0 {
		e.v.Store(int64(d))
		return
	}
	e.v.Store(old + int64(ewmaWeight*float64(int64(d)-old)))
}

func (e *ewma) value() time.Duration { return time.Duration(e.v.Load()) }

// A histogram counts latencies in log-linear buckets, 16 per power of two
// (a precision of about 6%), over a rotating window: two halves, the
// current one and the one before it, so a reading covers between one half
// and one whole window. The percentile is cached and recomputed every few
// samples and at each rotation, so recording costs a few atomic adds.
type histogram struct {
	half    time.Duration
	q       float64 // the quantile, in (0, 1)
	halves  [2][histBuckets]atomic.Uint32
	totals  [2]atomic.Int64
	cur     atomic.Int32
	rotated atomic.Int64 // when cur became current, in clock time
	samples atomic.Uint32
	cached  atomic.Int64 // the percentile in ns, or 0 before minSamples

	mu sync.Mutex // serialises rotation
}

const (
	histSubBits = 4
	histSub     = 1 << histSubBits
	// histMaxExp bounds the values counted to about 18 minutes; longer
	// ones count as that.
	histMaxExp  = 36
	histBuckets = (histMaxExp + 2) * histSub

	// histMinSamples is how many calls must be measured before a
	// percentile is trusted to hedge.
	histMinSamples = 100
	// histRefresh is how often, in samples, the percentile is recomputed.
	histRefresh = 32
)

func newHistogram(percentile float64, window time.Duration, now time.Duration) *histogram {
	h := &histogram{half: window / 2, q: percentile / 100}
	h.rotated.Store(int64(now))
	return h
}

// bucketOf returns the bucket of v nanoseconds: values below 16 have one
// each, and each power of two above has 16.
func bucketOf(v int64) int {
	if v < histSub {
		return int(max(v, 0))
	}
	e := bits.Len64(uint64(v)) - histSubBits - 1
	if e > histMaxExp {
		return histBuckets - 1
	}
	return e<<histSubBits + int(v>>e)
}

// bucketTop returns the largest value of bucket i.
func bucketTop(i int) int64 {
	if i < 2*histSub {
		return int64(i)
	}
	e := i>>histSubBits - 1
	m := int64(i&(histSub-1) + histSub)
	return (m+1)<<e - 1
}

// record counts one latency measured at now.
func (h *histogram) record(now, d time.Duration) {
	rotated := h.maybeRotate(now)
	c := h.cur.Load()
	h.halves[c][bucketOf(int64(d))].Add(1)
	h.totals[c].Add(1)
	if n := h.samples.Add(1); rotated || n%histRefresh == 0 || h.cached.Load() == 0 && n >= histMinSamples {
		h.refresh()
	}
}

// maybeRotate starts a new half once the current one is half a window old.
func (h *histogram) maybeRotate(now time.Duration) bool {
	if int64(now)-h.rotated.Load() < int64(h.half) {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if int64(now)-h.rotated.Load() < int64(h.half) {
		return false
	}
	next := 1 - h.cur.Load()
	for i := range h.halves[next] {
		h.halves[next][i].Store(0)
	}
	h.totals[next].Store(0)
	if int64(now)-h.rotated.Load() >= 2*int64(h.half) {
		// Idle for a whole window: the other half is stale too.
		c := h.cur.Load()
		for i := range h.halves[c] {
			h.halves[c][i].Store(0)
		}
		h.totals[c].Store(0)
	}
	h.cur.Store(next)
	h.rotated.Store(int64(now))
	return true
}

// refresh recomputes the cached percentile.
func (h *histogram) refresh() {
	total := h.totals[0].Load() + h.totals[1].Load()
	if total < histMinSamples {
		h.cached.Store(0)
		return
	}
	rank := int64(math.Ceil(h.q * float64(total)))
	var cum int64
	for i := range histBuckets {
		cum += int64(h.halves[0][i].Load()) + int64(h.halves[1][i].Load())
		if cum >= rank {
			h.cached.Store(max(bucketTop(i), 1))
			return
		}
	}
	h.cached.Store(max(bucketTop(histBuckets-1), 1))
}

// percentile returns the cached percentile, or false before enough
// samples, or when nothing was recorded for a whole window before now.
func (h *histogram) percentile(now time.Duration) (time.Duration, bool) {
	if int64(now)-h.rotated.Load() >= 2*int64(h.half) {
		return 0, false
	}
	v := h.cached.Load()
	return time.Duration(v), v > 0
}
