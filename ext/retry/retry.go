package retry

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/motore"
)

// New returns a middleware that retries and hedges the calls of the
// service below it, as its policy says ([WithPolicy]; [NewFor] gives
// methods policies of their own), within a budget shared per target ([WithBudget]),
// so that retries cannot start a storm:
//
//   - only failures the classifier allows are retried: by default, calls
//     never sent, and timeouts of idempotent methods ([ClassifyError]);
//   - an attempt that cannot finish before the context's deadline is not
//     started, and no wait runs past it;
//   - each retry or hedge carries the [MetainfoKey] flag, and a request
//     that arrives with it is not retried again (chain stop);
//   - an error that says not to retry ([DoNotRetry]) is returned at once,
//     and a call given up on returns an *[Error] that says so to the layers
//     and services above;
//   - each decision is reported to the hook of [WithOnDecision].
//
// Put it above the load balancer, so that each attempt picks an instance
// (volo's client.WithRetry does, and makes retries avoid the instances the
// call tried). classify says which failed attempts may be retried; it is
// typed by the layer's response, so a classifier for another type does not
// compile, and nil means [ClassifyError] on the error alone. Neither type
// argument can be inferred from a nil classify, so both are written:
// New[*Req, *Resp](nil, ...). A nil inner service panics with a
// *motore.BuildError when the layer is applied (motore.Build returns it).
//
// A call whose first attempt succeeds allocates nothing in the layer.
func New[Req, Resp any](classify Classifier[Resp], opts ...RetryOption) motore.Middleware[Req, Resp] {
	return NewFor(Requests[Req]{}, classify, opts...)
}

// Requests is what a retry layer reads of its requests, typed by the
// layer's request type so that a key function or a clone for another type
// does not compile. Every field is optional; the zero value reads nothing,
// as [New] does.
type Requests[Req any] struct {
	// Method returns the key of a call (its method name, from the request
	// or the context). A key found in Policies takes that policy; any
	// other, or every call when Method is nil, takes the one of
	// [WithPolicy].
	Method func(ctx context.Context, req Req) string
	// Policies are the policies of the methods that have their own. The
	// map is copied; its size bounds the state the layer keeps per method.
	// Nil or empty: one policy for every call.
	Policies map[string]Policy
	// Clone gives each hedge its own copy of the request: it must return a
	// request that an attempt can use while another uses the original, for
	// requests that the service below writes to (such as volo's
	// *thrift.Call, whose reply is decoded into it: client.CloneCall).
	// It is read for policies that hedge; sequential retries reuse the
	// request. Nil: attempts share the request.
	Clone func(Req) Req
}

// NewFor is [New] with what the layer reads of its requests: per-method
// policies and a clone for hedges (see [Requests]). Both type arguments
// are inferred from reqs and a typed classify.
func NewFor[Req, Resp any](reqs Requests[Req], classify Classifier[Resp], opts ...RetryOption) motore.Middleware[Req, Resp] {
	c := retryConfig(opts)
	reqs.Policies = maps.Clone(reqs.Policies)
	return motore.LayerFunc[motore.Service[Req, Resp], motore.Service[Req, Resp]](func(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
		var s *service[Req, Resp]
		if next != nil {
			s = newService(c, reqs, classify, next)
		}
		motore.CheckBuild("retry", next, nil)
		return s
	})
}

// service is the layer applied to one inner service.
type service[Req, Resp any] struct {
	next     motore.Service[Req, Resp]
	cfg      *config
	def      *method
	key      func(ctx context.Context, req Req) string
	methods  map[string]*method
	classify Classifier[Resp] // nil: ClassifyError
	clone    func(Req) Req
	// extra bounds the hedges of the layer (WithMaxExtraLoad); nil when no
	// policy hedges.
	extra *tokenBudget
	desc  string
}

// method is a policy with the state the layer keeps for it.
type method struct {
	Policy
	name string
	lat  ewma
	hist *histogram // for HedgePercentile
	// ticks counts calls with a deadline, to time one in latencySample.
	ticks atomic.Uint32
}

// latencySample is how often, in calls with a deadline, an answer is timed
// for the estimate of how long an attempt takes: timing reads the clock,
// which costs more than the rest of the layer.
const latencySample = 8

func newService[Req, Resp any](c *config, reqs Requests[Req], classify Classifier[Resp], next motore.Service[Req, Resp]) *service[Req, Resp] {
	s := &service[Req, Resp]{next: next, cfg: c, classify: classify, clone: reqs.Clone}
	now := c.clk.now()
	hedges := false
	newMethod := func(name string, p Policy) *method {
		m := &method{Policy: p.normalized(), name: name}
		if m.HedgePercentile > 0 {
			m.hist = newHistogram(m.HedgePercentile, c.window, now)
		}
		hedges = hedges || m.hedged()
		return m
	}
	s.def = newMethod("", c.policy)
	if reqs.Method != nil {
		s.key = reqs.Method
		s.methods = make(map[string]*method, len(reqs.Policies))
		for name, p := range reqs.Policies {
			s.methods[name] = newMethod(name, p)
		}
	}
	if hedges && c.maxExtraLoad > 0 {
		s.extra = NewBudget(c.window, 0, c.maxExtraLoad).(*tokenBudget)
	}
	s.desc = s.describe()
	return s
}

func (s *service[Req, Resp]) describe() string {
	parts := []string{s.def.Policy.String()}
	if len(s.methods) > 0 {
		names := make([]string, 0, len(s.methods))
		for name := range s.methods {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			parts = append(parts, fmt.Sprintf("%s: %v", name, s.methods[name].Policy))
		}
	}
	if s.cfg.budget != nil {
		parts = append(parts, s.cfg.budget.String())
	} else {
		parts = append(parts, "no budget")
	}
	if s.extra != nil {
		parts = append(parts, fmt.Sprintf("extra load %g%%", s.cfg.maxExtraLoad*100))
	}
	return "retry(" + strings.Join(parts, "; ") + ")"
}

// Describe names the layer and its policies.
func (s *service[Req, Resp]) Describe() string { return s.desc }

// Unwrap returns the service below.
func (s *service[Req, Resp]) Unwrap() any { return s.next }

func (s *service[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	m := s.def
	if s.key != nil {
		if mm, ok := s.methods[s.key(ctx, req)]; ok {
			m = mm
		}
	}
	if b := s.cfg.budget; b != nil {
		b.deposit(s.cfg.clk)
	}
	if m.hedged() {
		return s.hedge(ctx, req, m, s.cfg.clk.now())
	}
	// The clock is read only for a call with a deadline, the only kind
	// whose retries depend on time: a call without one reads no clock
	// unless it fails.
	var start time.Duration
	timed := hasDeadline(ctx)
	if timed {
		start = s.cfg.clk.now()
	}
	resp, err := s.next.Call(ctx, req)
	if err == nil && s.classify == nil {
		s.answered(m, start, timed, true)
		return resp, nil
	}
	return s.sequential(ctx, req, m, start, timed, resp, err)
}

// answered records an attempt that started at start (if timed) and
// answered: one in latencySample for the estimate of how long an attempt
// takes, and, for the first attempt, every one for the percentile of
// hedging.
func (s *service[Req, Resp]) answered(m *method, start time.Duration, timed, first bool) {
	if b := s.cfg.budget; b != nil {
		b.outcome(true)
	}
	if !timed {
		return
	}
	hist := first && m.hist != nil
	if !hist && m.ticks.Add(1)%latencySample != 0 && m.lat.value() != 0 {
		return
	}
	now := s.cfg.clk.now()
	m.lat.observe(now - start)
	if hist {
		m.hist.record(now, now-start)
	}
}

func hasDeadline(ctx context.Context) bool {
	_, ok := ctx.Deadline()
	return ok
}

// retryable reports whether an attempt's result is a failure to retry.
func (s *service[Req, Resp]) retryable(ctx context.Context, m *method, resp Resp, err error) bool {
	if s.classify != nil {
		return ctx.Err() == nil && s.classify(ctx, resp, err, m.Policy)
	}
	return ClassifyError(ctx, err, m.Policy)
}

// sequential goes on with a call whose first attempt, started at start
// (if timed), returned resp and err: retries one after another while the
// policy, the deadline and the budget allow.
func (s *service[Req, Resp]) sequential(ctx context.Context, req Req, m *method, start time.Duration, timed bool, resp Resp, err error) (Resp, error) {
	for n := 1; ; n++ {
		if !s.retryable(ctx, m, resp, err) {
			if err == nil {
				s.answered(m, start, timed, n == 1)
			}
			return resp, err
		}
		if b := s.cfg.budget; b != nil {
			b.outcome(false)
		}
		now := s.cfg.clk.now()
		var took time.Duration
		if timed {
			took = now - start
		}
		delay, stop, reason := s.decide(ctx, m, n, took, now, err)
		if stop {
			return resp, gaveUp(reason, n, err)
		}
		if !s.wait(ctx, delay) {
			return resp, err
		}
		start, timed = s.cfg.clk.now(), true
		resp, err = s.next.Call(mark(ctx, n), req)
	}
}

// decide decides whether attempt n+1 is sent after attempt n failed with err
// (a failure to retry) having taken took: it returns the wait before it, or
// stop and why: a nil reason returns err as it is, another gives up with it.
func (s *service[Req, Resp]) decide(ctx context.Context, m *method, n int, took, now time.Duration, err error) (delay time.Duration, stop bool, reason error) {
	if s.cfg.overloadStop && err != nil && DoNotRetry(err) {
		s.cfg.report(ctx, Decision{Reason: ReasonOverloaded, Method: m.name, Attempt: n, Err: err})
		return 0, true, nil
	}
	if s.cfg.chainStop && flagged(ctx) {
		s.cfg.report(ctx, Decision{Reason: ReasonChainStopped, Method: m.name, Attempt: n, Err: err})
		return 0, true, ErrChainStopped
	}
	if n >= m.MaxAttempts {
		s.cfg.report(ctx, Decision{Reason: ReasonAttemptsExhausted, Method: m.name, Attempt: n, Err: err})
		return 0, true, ErrAttemptsExhausted
	}
	if bound := m.backoffBound(n); bound > 0 {
		delay = time.Duration(s.cfg.rnd(int64(bound) + 1))
	}
	if !s.fits(ctx, m, now, delay, took) {
		s.cfg.report(ctx, Decision{Reason: ReasonOutOfTime, Method: m.name, Attempt: n, Delay: delay, Err: err})
		return 0, true, nil
	}
	if b := s.cfg.budget; b != nil && !b.withdraw(now) {
		s.cfg.report(ctx, Decision{Reason: ReasonBudgetExhausted, Method: m.name, Attempt: n, Err: err})
		return 0, true, ErrBudgetExhausted
	}
	s.cfg.report(ctx, Decision{Reason: ReasonRetried, Method: m.name, Attempt: n, Delay: delay, Err: err})
	return delay, false, nil
}

// gaveUp is the error of a call that ends after n attempts, the last of
// which failed with err: err itself when reason is nil, else an *Error. A
// failure in the response alone (err is nil) has no error to wrap: the last
// response is the answer.
func gaveUp(reason error, n int, err error) error {
	if reason == nil || err == nil {
		return err
	}
	return &Error{Reason: reason, Attempts: n, Err: err}
}

// fits reports whether an attempt started after delay can finish before
// ctx's deadline: the time it takes is guessed from the method's recent
// answers, or from the failed attempt's own time (took) before there are
// any; with neither, the wait alone must end before the deadline.
func (s *service[Req, Resp]) fits(ctx context.Context, m *method, now, delay, took time.Duration) bool {
	dl, ok := ctx.Deadline()
	if !ok {
		return true
	}
	est := m.lat.value()
	if est <= 0 {
		est = took
	}
	left := s.deadlineLeft(dl, now)
	return delay+est < left
}

// deadlineLeft is the time from now (a clock reading) to the deadline dl.
// Deadlines are wall-clock times; the clock is read for both so that a
// fake clock in tests moves them together.
func (s *service[Req, Resp]) deadlineLeft(dl time.Time, now time.Duration) time.Duration {
	if c, ok := s.cfg.clk.(wallClock); ok {
		return dl.Sub(c.wall(now))
	}
	return time.Until(dl)
}

// wallClock is a clock that can tell the wall time of its readings; the
// real clock does not need to.
type wallClock interface {
	wall(now time.Duration) time.Time
}

// wait waits d, or until ctx ends (it reports false then).
func (s *service[Req, Resp]) wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := s.cfg.clk.newTimer(d)
	select {
	case <-t.C():
		return true
	case <-ctx.Done():
		t.Stop()
		return false
	}
}
