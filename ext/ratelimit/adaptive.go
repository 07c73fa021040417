package ratelimit

import (
	"context"
	"fmt"
	"time"

	"github.com/govolo/volo/motore"
)

// Adaptive is a concurrency limit that finds itself: an [Algorithm] moves it
// from the latency and the errors of the calls it lets through, down when
// the inner service slows down or reports overload, up when it recovers.
// It is a motore middleware; services built from one Adaptive share its
// limit.
type Adaptive[Req, Resp any] struct {
	g        *gate
	alg      Algorithm
	classify func(error) Outcome
}

// NewAdaptive returns an adaptive concurrency limit driven by alg; a nil alg
// means Gradient(GradientConfig{}). Calls beyond the current limit are
// rejected with a *LimitedError (errors.Is(err, ErrLimited)) whose
// RetryAfter estimates when a slot frees up, or wait with [WithQueue].
//
// Options read: [WithClassifier], [WithQueue], [WithLIFO], [WithOnReject].
func NewAdaptive[Req, Resp any](alg Algorithm, opts ...AdaptiveOption) *Adaptive[Req, Resp] {
	if alg == nil {
		alg = Gradient(GradientConfig{})
	}
	cfg := adaptiveConfig(opts)
	return &Adaptive[Req, Resp]{
		g:        newGate("adaptive concurrency", max(alg.InitialLimit(), 1), cfg),
		alg:      alg,
		classify: cfg.classify,
	}
}

// Layer wraps next so that each call holds a slot while it runs and teaches
// the algorithm when it ends.
func (a *Adaptive[Req, Resp]) Layer(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	motore.CheckBuild("adaptive concurrency", next, nil)
	return &adaptiveService[Req, Resp]{a: a, next: next}
}

// Limit returns the current limit of calls in flight.
func (a *Adaptive[Req, Resp]) Limit() int {
	l, _, _ := a.g.snapshot()
	return l
}

// InFlight returns the number of calls running now.
func (a *Adaptive[Req, Resp]) InFlight() int {
	_, n, _ := a.g.snapshot()
	return n
}

// Describe names the limit and its algorithm in stack descriptions.
func (a *Adaptive[Req, Resp]) Describe() string {
	name := "custom"
	if d, ok := a.alg.(motore.Describer); ok {
		name = d.Describe()
	}
	return fmt.Sprintf("adaptive concurrency(%s, limit %s)", name, describeGate(a.g))
}

// finish frees the slot of a call admitted with inFlight calls running and
// feeds its outcome to the algorithm.
func (a *Adaptive[Req, Resp]) finish(rtt time.Duration, inFlight int, o Outcome) {
	g := a.g
	g.mu.Lock()
	g.inFlight--
	g.observeLocked(rtt)
	if o != Ignore {
		g.limit = max(a.alg.Update(Sample{RTT: rtt, InFlight: inFlight, Dropped: o == Drop}), 1)
	}
	g.grantLocked()
	g.mu.Unlock()
}

type adaptiveService[Req, Resp any] struct {
	a    *Adaptive[Req, Resp]
	next motore.Service[Req, Resp]
}

func (s *adaptiveService[Req, Resp]) Call(ctx context.Context, req Req) (resp Resp, err error) {
	n, err := s.a.g.acquire(ctx)
	if err != nil {
		return resp, err
	}
	start := sinceEpoch()
	finished := false
	defer func() {
		if !finished {
			// The inner service panicked: free the slot, learn nothing.
			s.a.finish(sinceEpoch()-start, n, Ignore)
		}
	}()
	resp, err = s.next.Call(ctx, req)
	finished = true
	s.a.finish(sinceEpoch()-start, n, s.a.classify(err))
	return resp, err
}

func (s *adaptiveService[Req, Resp]) Describe() string { return s.a.Describe() }
func (s *adaptiveService[Req, Resp]) Unwrap() any      { return s.next }
