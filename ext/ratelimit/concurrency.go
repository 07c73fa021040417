package ratelimit

import (
	"context"
	"errors"
	"fmt"

	"github.com/govolo/volo/motore"
)

// Concurrency limits the calls in flight to a fixed number that can be
// changed at run time. It is a motore middleware; services built from one
// Concurrency share its slots, so it can bound a whole server.
type Concurrency[Req, Resp any] struct {
	n int // as given, checked when the layer is applied
	g *gate
}

// ErrBadLimit is the build error (inside a *motore.BuildError) of a
// concurrency limit of zero or less, and the error of
// [Concurrency.SetLimit] given one.
var ErrBadLimit = errors.New("ratelimit: limit of zero or less")

// NewConcurrency returns a limit of n calls in flight. An n of zero or less
// has no meaning (it would admit nothing, or serialise every call if taken
// as 1), so applying the layer panics with a *motore.BuildError wrapping
// [ErrBadLimit]. A call beyond it is rejected at once with a *LimitedError
// (errors.Is(err, ErrLimited)) whose RetryAfter estimates when a slot frees
// up from the latency of recent calls; with [WithQueue] it waits for a slot
// in a bounded queue first.
//
// Options read: [WithQueue], [WithLIFO], [WithOnReject].
func NewConcurrency[Req, Resp any](n int, opts ...ConcurrencyOption) *Concurrency[Req, Resp] {
	return &Concurrency[Req, Resp]{n: n, g: newGate("concurrency", max(n, 1), concurrencyConfig(opts))}
}

// Layer wraps next so that each call holds a slot while it runs.
func (c *Concurrency[Req, Resp]) Layer(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	var err error
	if c.n <= 0 {
		err = ErrBadLimit
	}
	motore.CheckBuild("concurrency", next, err)
	return &concurrencyService[Req, Resp]{c: c, next: next}
}

// Limit returns the number of calls allowed in flight.
func (c *Concurrency[Req, Resp]) Limit() int {
	l, _, _ := c.g.snapshot()
	return l
}

// SetLimit changes the number of calls allowed in flight. Raising it
// admits queued callers at once; lowering it lets the calls in flight
// finish. An n of zero or less has no meaning, as for [NewConcurrency]: it
// returns [ErrBadLimit] and leaves the limit as it was.
func (c *Concurrency[Req, Resp]) SetLimit(n int) error {
	if n <= 0 {
		return ErrBadLimit
	}
	c.g.setLimit(n)
	return nil
}

// InFlight returns the number of calls running now.
func (c *Concurrency[Req, Resp]) InFlight() int {
	_, n, _ := c.g.snapshot()
	return n
}

// Queued returns the number of callers waiting for a slot now.
func (c *Concurrency[Req, Resp]) Queued() int {
	_, _, q := c.g.snapshot()
	return q
}

// Describe names the limit in stack descriptions.
func (c *Concurrency[Req, Resp]) Describe() string {
	return "concurrency(" + describeGate(c.g) + ")"
}

type concurrencyService[Req, Resp any] struct {
	c    *Concurrency[Req, Resp]
	next motore.Service[Req, Resp]
}

func (s *concurrencyService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	g := s.c.g
	if _, err := g.acquire(ctx); err != nil {
		var zero Resp
		return zero, err
	}
	start := sinceEpoch()
	// Deferred so that a panicking service still gives its slot back.
	defer func() { g.release(sinceEpoch()-start, true) }()
	return s.next.Call(ctx, req)
}

func (s *concurrencyService[Req, Resp]) Describe() string { return s.c.Describe() }
func (s *concurrencyService[Req, Resp]) Unwrap() any      { return s.next }

// describeGate renders a gate's settings as "64, queue 128 up to 50ms, lifo".
func describeGate(g *gate) string {
	limit, _, _ := g.snapshot()
	s := fmt.Sprint(limit)
	if q := g.cfg.queue; q > 0 {
		s += fmt.Sprintf(", queue %d", q)
		if g.cfg.queueWait > 0 {
			s += fmt.Sprintf(" up to %v", g.cfg.queueWait)
		}
		if g.cfg.lifo {
			s += ", lifo"
		}
	}
	return s
}
