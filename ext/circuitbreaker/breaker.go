package circuitbreaker

import (
	"context"

	"github.com/govolo/volo/motore"
)

// Breaker is one circuit breaker used as a motore middleware: every call
// through every service built with it counts towards the same breaker, so
// it suits a whole service (or a whole client). Make it with [New].
type Breaker[Req, Resp any] struct {
	b        *breaker
	classify Classifier[Resp]
	desc     string
}

var (
	_ motore.Middleware[int, int] = (*Breaker[int, int])(nil)
	_ motore.Middleware[int, int] = (*Group[int, int])(nil)
)

// New returns a single breaker configured by opts; see the With...
// functions for each setting and its default. classify decides how each
// finished call counts; it is typed by the layer's response, so a
// classifier for another type does not compile. A nil classify means
// [ClassifyError] on the error alone. Neither type parameter can be
// inferred from a nil classify, so both are written: New[*Req, *Resp](nil).
func New[Req, Resp any](classify Classifier[Resp], opts ...BreakerOption) *Breaker[Req, Resp] {
	c := breakerConfig(opts)
	return &Breaker[Req, Resp]{
		b:        newBreaker(c.name, &c),
		classify: classify,
		desc:     "circuitbreaker(" + c.describe() + ")",
	}
}

// Layer wraps next so that its calls go through the breaker. A nil next
// panics with a *motore.BuildError when the stack is built (motore.Build
// returns it as an error), never at call time.
func (br *Breaker[Req, Resp]) Layer(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	motore.CheckBuild(br.desc, next, nil)
	return &breakerService[Req, Resp]{b: br.b, classify: br.classify, desc: br.desc, next: next}
}

// Snapshot returns the breaker's state and counts.
func (br *Breaker[Req, Resp]) Snapshot() Snapshot { return br.b.snapshot() }

// Describe names the layer and its trip policy.
func (br *Breaker[Req, Resp]) Describe() string { return br.desc }

type breakerService[Req, Resp any] struct {
	b        *breaker
	classify Classifier[Resp]
	desc     string
	next     motore.Service[Req, Resp]
}

func (s *breakerService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	return call(ctx, s.b, s.classify, s.next, req)
}

func (s *breakerService[Req, Resp]) Describe() string { return s.desc }
func (s *breakerService[Req, Resp]) Unwrap() any      { return s.next }
