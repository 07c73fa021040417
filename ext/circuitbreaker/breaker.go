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
	err      error
}

// New returns a single breaker configured by opts; see the With...
// functions for each setting and its default. Neither type can be inferred,
// so both are written: New[*Req, *Resp](...).
func New[Req, Resp any](opts ...Option) *Breaker[Req, Resp] {
	c := newConfig(opts)
	classify, err := classifierFor[Resp](&c)
	return &Breaker[Req, Resp]{
		b:        newBreaker(c.name, &c),
		classify: classify,
		desc:     "circuitbreaker(" + c.describe() + ")",
		err:      err,
	}
}

// Layer wraps next so that its calls go through the breaker. A nil next,
// or a classifier for another response type, panics with a
// *motore.BuildError when the stack is built (motore.Build returns it as an
// error), never at call time.
func (br *Breaker[Req, Resp]) Layer(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	if next == nil {
		panic(&motore.BuildError{Layer: br.desc, Index: -1, Err: motore.ErrNilService})
	}
	if br.err != nil {
		panic(&motore.BuildError{Layer: br.desc, Index: -1, Err: br.err})
	}
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
