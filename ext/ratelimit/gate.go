package ratelimit

import (
	"context"
	"sync"
	"time"
)

// gate admits at most limit calls at once and parks the overflow in a
// bounded queue. A released slot is handed to a queued caller directly, so
// newcomers cannot overtake the queue and no waiter is woken for nothing.
type gate struct {
	name string // Limiter of the rejections
	cfg  *config

	mu       sync.Mutex
	limit    int
	inFlight int
	queued   int
	ring     waiter  // sentinel of the queue: ring.next is the oldest
	avg      float64 // moving average of call latency in ns, for retry hints
}

type waiter struct {
	ready      chan struct{} // closed when the waiter is handed a slot
	granted    bool
	prev, next *waiter
}

// latencyWeight is the weight of the newest call in gate.avg: about the
// last 20 calls count.
const latencyWeight = 0.1

func newGate(name string, limit int, cfg *config) *gate {
	g := &gate{name: name, cfg: cfg, limit: limit}
	g.ring.next, g.ring.prev = &g.ring, &g.ring
	return g
}

// acquire takes a slot, queueing for one if the configuration allows. It
// returns the number of calls in flight with this one, or the rejection, or
// the context's error for a caller whose context ended while queued.
func (g *gate) acquire(ctx context.Context) (int, error) {
	g.mu.Lock()
	if g.inFlight < g.limit && g.queued == 0 {
		g.inFlight++
		n := g.inFlight
		g.mu.Unlock()
		return n, nil
	}
	if g.queued >= g.cfg.queue {
		hint := g.hintLocked()
		g.mu.Unlock()
		return 0, g.cfg.reject(ctx, LimitedError{Limiter: g.name, RetryAfter: hint})
	}
	w := &waiter{ready: make(chan struct{})}
	g.enqueueLocked(w)
	g.mu.Unlock()

	var expired <-chan time.Time
	if g.cfg.queueWait > 0 {
		t := time.NewTimer(g.cfg.queueWait)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-w.ready:
		return g.inFlightNow(), nil
	case <-ctx.Done():
		if !g.leave(w) {
			// Handed a slot just as the context ended: pass it on.
			g.release(0, false)
		}
		return 0, ctx.Err()
	case <-expired:
		if !g.leave(w) {
			return g.inFlightNow(), nil
		}
		g.mu.Lock()
		hint := g.hintLocked()
		g.mu.Unlock()
		return 0, g.cfg.reject(ctx, LimitedError{Limiter: g.name, RetryAfter: hint})
	}
}

// leave takes w out of the queue and reports true, or reports false when w
// was handed a slot first (it then owns that slot).
func (g *gate) leave(w *waiter) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if w.granted {
		return false
	}
	w.prev.next, w.next.prev = w.next, w.prev
	g.queued--
	return true
}

// release frees a slot after a call that took rtt (measured is false when
// there is no latency to learn from).
func (g *gate) release(rtt time.Duration, measured bool) {
	g.mu.Lock()
	g.inFlight--
	if measured {
		g.observeLocked(rtt)
	}
	g.grantLocked()
	g.mu.Unlock()
}

func (g *gate) observeLocked(rtt time.Duration) {
	if g.avg == 0 {
		g.avg = float64(rtt)
		return
	}
	g.avg += latencyWeight * (float64(rtt) - g.avg)
}

// grantLocked hands free slots to queued callers.
func (g *gate) grantLocked() {
	for g.queued > 0 && g.inFlight < g.limit {
		var w *waiter
		if g.cfg.lifo {
			w = g.ring.prev
		} else {
			w = g.ring.next
		}
		w.prev.next, w.next.prev = w.next, w.prev
		g.queued--
		g.inFlight++
		w.granted = true
		close(w.ready)
	}
}

func (g *gate) enqueueLocked(w *waiter) {
	w.prev, w.next = g.ring.prev, &g.ring
	g.ring.prev.next = w
	g.ring.prev = w
	g.queued++
}

// hintLocked estimates when a slot frees up for a new caller: with limit
// calls running that take avg each, one ends every avg/limit, and the
// queue ahead must be served first.
func (g *gate) hintLocked() time.Duration {
	if g.avg == 0 || g.limit < 1 {
		return 0
	}
	return time.Duration(g.avg * float64(g.queued+1) / float64(g.limit))
}

func (g *gate) setLimit(n int) {
	g.mu.Lock()
	g.limit = n
	g.grantLocked()
	g.mu.Unlock()
}

func (g *gate) snapshot() (limit, inFlight, queued int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.limit, g.inFlight, g.queued
}

func (g *gate) inFlightNow() int {
	_, n, _ := g.snapshot()
	return n
}
