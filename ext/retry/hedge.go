package retry

import (
	"context"
	"time"
)

// hedge serves a call of a method whose policy hedges.
func (s *service[Req, Resp]) hedge(ctx context.Context, req Req, m *method, start time.Duration) (Resp, error) {
	if s.extra != nil {
		s.extra.deposit(s.cfg.clk)
	}
	delay, ok := s.hedgeDelay(m, start)
	if !ok || m.MaxAttempts < 2 || s.cfg.chainStop && flagged(ctx) {
		// No hedge for this call: a plain one, whose first attempt is
		// measured all the same.
		resp, err := s.next.Call(ctx, req)
		if err == nil && s.classify == nil {
			s.answered(m, start, true, true)
			return resp, nil
		}
		return s.sequential(ctx, req, m, start, true, resp, err)
	}
	return s.race(ctx, req, m, start, delay)
}

// hedgeDelay returns how long a call waits for an answer before it sends a
// hedge, or false when no hedge is to be sent yet (a percentile not known).
func (s *service[Req, Resp]) hedgeDelay(m *method, now time.Duration) (time.Duration, bool) {
	if m.hist == nil {
		return m.HedgeAfter, true
	}
	p, ok := m.hist.percentile(now)
	if !ok {
		return 0, false
	}
	return max(p, m.HedgeAfter), true
}

// attempt is the outcome of one attempt of a hedged call.
type attempt[Resp any] struct {
	resp   Resp
	err    error
	n      int // 0 for the first
	took   time.Duration
	panicV any
	panics bool
}

// racing is the state of one hedged call: its attempts run in goroutines
// of their own and report on results; the caller's goroutine decides.
type racing[Resp any] struct {
	results chan attempt[Resp]
	cancels [MaxAttempts]context.CancelFunc
	starts  [MaxAttempts]time.Duration
	running [MaxAttempts]bool
}

// race runs a hedged call: the first attempt, then another each time delay
// passes without an answer, within the attempts, the deadline and the
// budgets; a failure to retry waits for the attempts still running, and
// when none is left it is retried as in a sequential call. The first answer
// wins: the other attempts are cancelled through their contexts, and the
// call returns once they have all returned, so none outlives it.
func (s *service[Req, Resp]) race(ctx context.Context, req Req, m *method, start, delay time.Duration) (Resp, error) {
	r := &racing[Resp]{results: make(chan attempt[Resp], MaxAttempts)}
	defer r.release()
	clk := s.cfg.clk
	s.launch(ctx, r, req, 0, start)
	n, inflight := 1, 1
	t, armed := clk.newTimer(delay), true
	var win attempt[Resp]
	for {
		var fire <-chan time.Time
		if armed {
			fire = t.C()
		}
		select {
		case a := <-r.results:
			inflight--
			r.running[a.n] = false
			if a.panics || !s.retryable(ctx, m, a.resp, a.err) {
				win = a
				goto done
			}
			if b := s.cfg.budget; b != nil {
				b.outcome(false)
			}
			if inflight > 0 {
				continue
			}
			if armed {
				t.Stop()
				armed = false
			}
			// Every attempt so far failed: retry, as a sequential call does.
			now := clk.now()
			d, stop, reason := s.decide(ctx, m, n, a.took, now, a.err)
			if stop {
				return a.resp, gaveUp(reason, n, a.err)
			}
			if !s.wait(ctx, d) {
				return a.resp, a.err
			}
			s.launch(ctx, r, req, n, clk.now())
			n, inflight = n+1, inflight+1
			if n < m.MaxAttempts {
				t, armed = clk.newTimer(delay), true
			}
		case <-fire:
			armed = false
			now := clk.now()
			if !s.mayHedge(ctx, m, n, now, now-r.starts[n-1], delay) {
				continue
			}
			s.launch(ctx, r, req, n, now)
			n, inflight = n+1, inflight+1
			if n < m.MaxAttempts {
				t, armed = clk.newTimer(delay), true
			}
		}
	}
done:
	if armed {
		t.Stop()
	}
	now := clk.now()
	for i := range n {
		if r.running[i] {
			r.cancels[i]()
		}
	}
	if m.hist != nil {
		switch {
		case win.n == 0 && win.err == nil:
			m.hist.record(now, win.took)
		case win.n != 0 && r.running[0]:
			// The first attempt lost: it took at least this long.
			m.hist.record(now, now-r.starts[0])
		}
	}
	for ; inflight > 0; inflight-- {
		<-r.results
	}
	if win.panics {
		panic(win.panicV)
	}
	if win.err == nil {
		if b := s.cfg.budget; b != nil {
			b.outcome(true)
		}
		if hasDeadline(ctx) {
			m.lat.observe(win.took)
		}
	}
	return win.resp, win.err
}

// mayHedge decides whether attempt n+1 is sent as a hedge at now, while
// attempt n has run for running, and reports the decision.
func (s *service[Req, Resp]) mayHedge(ctx context.Context, m *method, n int, now, running, delay time.Duration) bool {
	if !s.fits(ctx, m, now, 0, running) {
		s.cfg.report(ctx, Decision{Reason: ReasonOutOfTime, Method: m.name, Attempt: n, Delay: delay})
		return false
	}
	if s.extra == nil || !s.extra.withdraw(now) {
		s.cfg.report(ctx, Decision{Reason: ReasonBudgetExhausted, Method: m.name, Attempt: n, Delay: delay})
		return false
	}
	if b := s.cfg.budget; b != nil && !b.withdraw(now) {
		s.extra.refund(now)
		s.cfg.report(ctx, Decision{Reason: ReasonBudgetExhausted, Method: m.name, Attempt: n, Delay: delay})
		return false
	}
	s.cfg.report(ctx, Decision{Reason: ReasonHedged, Method: m.name, Attempt: n, Delay: delay})
	return true
}

// release cancels the contexts of the attempts, which have all returned,
// so that their parent forgets them.
func (r *racing[Resp]) release() {
	for _, cancel := range r.cancels {
		if cancel != nil {
			cancel()
		}
	}
}

// launch starts attempt i at now in a goroutine of its own, with a context
// of its own to cancel it by, and its own copy of the request if the layer
// clones them.
func (s *service[Req, Resp]) launch(ctx context.Context, r *racing[Resp], req Req, i int, now time.Duration) {
	actx, cancel := context.WithCancel(mark(ctx, i))
	r.cancels[i], r.starts[i], r.running[i] = cancel, now, true
	if i > 0 && s.clone != nil {
		req = s.clone(req)
	}
	go func() {
		a := attempt[Resp]{n: i}
		defer func() {
			if p := recover(); p != nil {
				a.panicV, a.panics = p, true
			}
			a.took = s.cfg.clk.now() - now
			r.results <- a
		}()
		a.resp, a.err = s.next.Call(actx, req)
	}()
}
