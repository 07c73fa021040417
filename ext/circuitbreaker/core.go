package circuitbreaker

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/motore"
	"github.com/sony/gobreaker/v2"
)

// breaker is one circuit breaker. gobreaker runs its state machine: the
// open state, the timeout, the half-open probes. While the breaker is
// closed, though, calls do not go through gobreaker: they are counted here,
// in a rolling window behind one lock and one monotonic clock read per call,
// and gobreaker is told only when the trip rule fires. A call through a
// closed gobreaker would cost two locks and two wall-and-monotonic clock
// reads; the closed path is the one every healthy call takes.
//
// phase says who counts: its low bit is set while the breaker is closed
// (counted here) and clear otherwise (counted by gobreaker); the bits above
// are a generation, bumped at each change, so that a call started in one
// phase does not count in the next. It only changes with mu held.
type breaker struct {
	key   string
	cb    *gobreaker.CircuitBreaker[struct{}]
	phase atomic.Uint64
	// tripping is set from the moment the closed window trips until
	// gobreaker has opened; gobreaker's trip rule reads it.
	tripping atomic.Bool
	// openUntil is when the latest open period ends, on the monotonic
	// clock: until then a call is rejected without asking gobreaker.
	openUntil   atomic.Int64
	openTimeout time.Duration
	// used is set by every call and cleared by a group's idle sweep.
	used atomic.Bool

	mu   sync.Mutex
	win  window
	rule trip

	open    *RejectedError
	tooMany *RejectedError
	hook    func(key string, from, to State)
}

const closedBit = 1

func newBreaker(key string, c *config) *breaker {
	b := &breaker{
		key:     key,
		win:     newWindow(c.window, c.buckets),
		rule:    trip{consecutive: c.consecutive, rate: c.rate, minSamples: c.minSamples},
		open:    newRejected(key, ErrOpen),
		tooMany: newRejected(key, ErrTooManyRequests),
		hook:    c.onStateChange,

		openTimeout: c.openTimeout,
	}
	b.win.reset(monotonic())
	b.phase.Store(closedBit)
	b.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        key,
		MaxRequests: c.probes,
		// No interval: gobreaker is closed only between a half-open
		// breaker closing and its calls moving to the closed path, and
		// when told to trip.
		Timeout:       c.openTimeout,
		ReadyToTrip:   func(gobreaker.Counts) bool { return b.tripping.Load() },
		IsExcluded:    isIgnored,
		OnStateChange: b.changed,
	})
	return b
}

// changed runs under gobreaker's lock at each change of its state.
func (b *breaker) changed(_ string, from, to gobreaker.State) {
	switch to {
	case gobreaker.StateOpen:
		b.tripping.Store(false)
		b.openUntil.Store(b.openEnd(monotonic()))
	case gobreaker.StateClosed:
		// The probes succeeded: counting moves back here, from zero.
		now := monotonic()
		b.mu.Lock()
		b.win.reset(now)
		b.phase.Store((b.phase.Load() | closedBit) + 2)
		b.mu.Unlock()
	}
	if b.hook != nil {
		b.hook(b.key, fromGobreaker(from), fromGobreaker(to))
	}
}

// openEnd returns when an open period that starts at now ends. It
// saturates: with an open timeout near math.MaxInt64 the sum would wrap to
// a time long past, and calls would skip the fast rejection and reach
// gobreaker, even in the moment before it has opened.
func (b *breaker) openEnd(now time.Duration) int64 {
	if b.openTimeout > math.MaxInt64-now {
		return math.MaxInt64
	}
	return int64(now + b.openTimeout)
}

func (b *breaker) closed() bool { return b.phase.Load()&closedBit != 0 }

// record counts the outcome of a call started in phase ph, unless the
// breaker has changed phase since, and trips the breaker when the rule
// says so.
func (b *breaker) record(ph uint64, o Outcome) {
	now := monotonic()
	b.mu.Lock()
	if b.phase.Load() != ph {
		b.mu.Unlock()
		return
	}
	b.win.advance(now)
	switch o {
	case Success:
		b.win.success()
		b.mu.Unlock()
		return
	case Ignored:
		b.win.ignore()
		b.mu.Unlock()
		return
	}
	b.win.failure()
	if !b.rule.ready(b.win.counts()) {
		b.mu.Unlock()
		return
	}
	// Trip: calls from now on are rejected, and gobreaker, which one
	// failure opens, takes over. Its lock is taken after this one is
	// released, never while it is held: changed takes them in the other
	// order.
	b.openUntil.Store(b.openEnd(now))
	b.tripping.Store(true)
	b.phase.Store((ph &^ closedBit) + 2)
	b.mu.Unlock()
	_, _ = b.cb.Execute(func() (struct{}, error) { return struct{}{}, errFailure })
}

func (b *breaker) snapshot() Snapshot {
	for range 2 {
		if ph := b.phase.Load(); ph&closedBit != 0 {
			now := monotonic()
			b.mu.Lock()
			if b.phase.Load() == ph {
				b.win.advance(now)
				c := b.win.counts()
				b.mu.Unlock()
				return Snapshot{Key: b.key, State: StateClosed, Counts: c}
			}
			b.mu.Unlock()
			continue
		}
		// State first: reading it moves an expired open breaker to
		// half-open, so the counts that follow are current.
		if st := b.cb.State(); st != gobreaker.StateClosed {
			return Snapshot{Key: b.key, State: fromGobreaker(st), Counts: countsFrom(b.cb.Counts())}
		}
		if b.tripping.Load() {
			// Tripped, and gobreaker is about to open.
			return Snapshot{Key: b.key, State: StateOpen}
		}
		// gobreaker has just closed: the counts are here now.
	}
	return Snapshot{Key: b.key, State: StateClosed}
}

// call runs next through b; a nil classify applies ClassifyError.
func call[Req, Resp any](ctx context.Context, b *breaker, classify Classifier[Resp], next motore.Service[Req, Resp], req Req) (Resp, error) {
	ph := b.phase.Load()
	if ph&closedBit == 0 {
		if int64(monotonic()) < b.openUntil.Load() {
			var zero Resp
			return zero, b.open
		}
		return callGobreaker(ctx, b, classify, next, req)
	}
	finished := false
	defer func() {
		if !finished {
			// next panicked: that counts as a failure, and the panic goes on.
			b.record(ph, Failure)
		}
	}()
	resp, err := next.Call(ctx, req)
	finished = true
	switch {
	case classify != nil:
		b.record(ph, classify(ctx, resp, err))
	case err == nil:
		// The default rules need no call when there is no error.
		b.record(ph, Success)
	default:
		b.record(ph, ClassifyError(ctx, err))
	}
	return resp, err
}

// callGobreaker runs next through gobreaker, for a breaker that is not
// closed. The closure given to Execute does not escape, so it and the
// variables it writes stay on the stack; the classifier's verdict goes to
// gobreaker as an error while the real result goes back to the caller
// untouched. ran tells a rejection from an inner service that returned
// gobreaker's errors itself.
func callGobreaker[Req, Resp any](ctx context.Context, b *breaker, classify Classifier[Resp], next motore.Service[Req, Resp], req Req) (Resp, error) {
	var (
		resp Resp
		err  error
		ran  bool
	)
	_, rejected := b.cb.Execute(func() (struct{}, error) {
		ran = true
		resp, err = next.Call(ctx, req)
		if classify == nil {
			if err == nil {
				return struct{}{}, nil
			}
			return struct{}{}, verdict(ClassifyError(ctx, err))
		}
		return struct{}{}, verdict(classify(ctx, resp, err))
	})
	if !ran {
		return resp, b.reject(rejected)
	}
	return resp, err
}

func (b *breaker) reject(err error) error {
	if err == gobreaker.ErrTooManyRequests {
		return b.tooMany
	}
	return b.open
}

// trip is the rule that opens a closed breaker, asked after each failure.
type trip struct {
	consecutive uint32
	rate        float64
	minSamples  uint32
}

func (t trip) ready(c Counts) bool {
	if t.consecutive > 0 && c.ConsecutiveFailures >= t.consecutive {
		return true
	}
	if t.rate > 0 {
		n := c.Successes + c.Failures
		return n >= t.minSamples && float64(c.Failures) >= t.rate*float64(n)
	}
	return false
}

// describe renders the trip policy for stack descriptions.
func (c *config) describe() string {
	var parts []string
	if c.name != "" {
		parts = append(parts, c.name)
	}
	if c.consecutive > 0 {
		parts = append(parts, fmt.Sprintf("%d consecutive", c.consecutive))
	}
	if c.rate > 0 {
		parts = append(parts, fmt.Sprintf("%g%% of %d", c.rate*100, c.minSamples))
	}
	parts = append(parts, fmt.Sprintf("in %v", c.window), fmt.Sprintf("open %v", c.openTimeout), fmt.Sprintf("probes %d", c.probes))
	return strings.Join(parts, ", ")
}
