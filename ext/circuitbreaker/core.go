package circuitbreaker

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/motore"
	"github.com/sony/gobreaker/v2"
)

// breaker is one gobreaker breaker with the errors it rejects with, made
// once so that neither a call nor a rejection allocates.
type breaker struct {
	cb      *gobreaker.CircuitBreaker[struct{}]
	open    *RejectedError
	tooMany *RejectedError
	// used is set by every call and cleared by a group's idle sweep.
	used atomic.Bool
}

func newBreaker(key string, st gobreaker.Settings) *breaker {
	st.Name = key
	return &breaker{
		cb:      gobreaker.NewCircuitBreaker[struct{}](st),
		open:    newRejected(key, ErrOpen),
		tooMany: newRejected(key, ErrTooManyRequests),
	}
}

func (b *breaker) snapshot() Snapshot {
	// State first: reading it moves an expired open breaker to half-open and
	// rolls the window, so the counts that follow are current.
	st := fromGobreaker(b.cb.State())
	return Snapshot{Key: b.cb.Name(), State: st, Counts: countsFrom(b.cb.Counts())}
}

// call runs next through b; a nil classify applies ClassifyError. The
// closure given to Execute does not escape, so it and the variables it
// writes stay on the stack; the classifier's verdict goes to gobreaker as an
// error while the real result goes back to the caller untouched. ran tells a
// rejection from an inner service that returned gobreaker's errors itself.
func call[Req, Resp any](ctx context.Context, b *breaker, classify Classifier[Resp], next motore.Service[Req, Resp], req Req) (Resp, error) {
	var (
		resp Resp
		err  error
		ran  bool
	)
	_, rejected := b.cb.Execute(func() (struct{}, error) {
		ran = true
		resp, err = next.Call(ctx, req)
		if classify == nil {
			// The default rules need no call when there is no error.
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

// settings turns a config into gobreaker settings shared by every breaker
// of a layer.
func (c *config) settings() gobreaker.Settings {
	st := gobreaker.Settings{
		MaxRequests:  c.probes,
		Interval:     c.window,
		BucketPeriod: c.window / time.Duration(c.buckets),
		Timeout:      c.openTimeout,
		ReadyToTrip:  trip{consecutive: c.consecutive, rate: c.rate, minSamples: c.minSamples}.ready,
		IsExcluded:   isIgnored,
	}
	if c.buckets <= 1 {
		// One bucket: gobreaker's fixed window, reset at each interval.
		st.BucketPeriod = 0
	}
	if hook := c.onStateChange; hook != nil {
		st.OnStateChange = func(key string, from, to gobreaker.State) {
			hook(key, fromGobreaker(from), fromGobreaker(to))
		}
	}
	return st
}

// trip is the rule that opens a closed breaker, asked after each failure.
type trip struct {
	consecutive uint32
	rate        float64
	minSamples  uint32
}

func (t trip) ready(c gobreaker.Counts) bool {
	if t.consecutive > 0 && c.ConsecutiveFailures >= t.consecutive {
		return true
	}
	if t.rate > 0 {
		n := c.TotalSuccesses + c.TotalFailures
		return n >= t.minSamples && float64(c.TotalFailures) >= t.rate*float64(n)
	}
	return false
}

// classifierFor returns the configured classifier as a Classifier[Resp] (nil
// for the default rules of ClassifyError), or an error if it was written for
// another response type.
func classifierFor[Resp any](c *config) (Classifier[Resp], error) {
	switch f := c.classifier.(type) {
	case nil:
		return nil, nil
	case Classifier[Resp]:
		return f, nil
	default:
		return nil, fmt.Errorf("%w: %T", ErrClassifierType, f)
	}
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
