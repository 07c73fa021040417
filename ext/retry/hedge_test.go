package retry_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// Hedging runs attempts at once, so its tests run in a testing/synctest
// bubble: time there is a fake clock that moves when every goroutine of
// the test waits, and the layers read it (WithFreshClock).

// scripted answers its i-th attempt (from 0) after lat(i), or earlier
// with the context's error when the context ends.
type scripted struct {
	n   atomic.Int64
	lat func(i int64) time.Duration
	err func(i int64) error

	mu        sync.Mutex
	cancelled int
	flags     []string
	reqs      []*request
}

type request struct{ id int }

func (s *scripted) Call(ctx context.Context, req *request) (*request, error) {
	i := s.n.Add(1) - 1
	v, _ := metainfo.GetPersistentValue(ctx, retry.MetainfoKey)
	s.mu.Lock()
	s.flags = append(s.flags, v)
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	t := time.NewTimer(s.lat(i))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		s.mu.Lock()
		s.cancelled++
		s.mu.Unlock()
		return nil, ctx.Err()
	}
	if s.err != nil {
		if err := s.err(i); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func (s *scripted) attempts() int { return int(s.n.Load()) }

func hedged(t testing.TB, inner motore.Service[*request, *request], opts ...retry.RetryOption) motore.Service[*request, *request] {
	t.Helper()
	opts = append([]retry.RetryOption{retry.WithFreshClock()}, opts...)
	svc, err := motore.Build(inner, retry.New[*request, *request](nil, opts...))
	require.NoError(t, err)
	return svc
}

// latencies answers attempt i after ds[i] (the last one repeats).
func latencies(ds ...time.Duration) func(int64) time.Duration {
	return func(i int64) time.Duration { return ds[min(int(i), len(ds)-1)] }
}

func TestHedgeAfterFixedDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(time.Second, 10*time.Millisecond)}
		var d decisions
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgeAfter: 50 * time.Millisecond}),
			retry.WithMaxExtraLoad(1), retry.WithOnDecision(d.hook))
		start := time.Now()
		req := &request{id: 1}
		got, err := svc.Call(context.Background(), req)
		require.NoError(t, err)
		assert.Same(t, req, got)
		assert.Equal(t, 60*time.Millisecond, time.Since(start), "the hedge's answer, at 50ms + 10ms")
		assert.Equal(t, 2, inner.attempts())
		assert.Equal(t, 1, inner.cancelled, "the loser was cancelled, and the call waited for it")
		assert.Equal(t, []string{"", "1"}, inner.flags, "the hedge carries the flag")
		assert.Equal(t, []retry.Reason{retry.ReasonHedged}, d.reasons())
		assert.Equal(t, 50*time.Millisecond, d.ds[0].Delay)
	})
}

func TestNoHedgeWhenTheAnswerComesFirst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(40 * time.Millisecond)}
		var d decisions
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{HedgeAfter: 50 * time.Millisecond}), retry.WithMaxExtraLoad(1), retry.WithOnDecision(d.hook))
		_, err := svc.Call(context.Background(), &request{})
		require.NoError(t, err)
		assert.Equal(t, 1, inner.attempts())
		assert.Empty(t, d.reasons())
		time.Sleep(time.Second) // a timer left armed would fire now
		assert.Equal(t, 1, inner.attempts())
	})
}

// Up to MaxAttempts attempts, one per delay without an answer.
func TestHedgesOnePerDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(time.Second, time.Second, time.Second, 10*time.Millisecond)}
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 4, HedgeAfter: 20 * time.Millisecond}), retry.WithMaxExtraLoad(3))
		start := time.Now()
		_, err := svc.Call(context.Background(), &request{})
		require.NoError(t, err)
		assert.Equal(t, 70*time.Millisecond, time.Since(start))
		assert.Equal(t, []string{"", "1", "2", "3"}, inner.flags)
		assert.Equal(t, 3, inner.cancelled)
	})
}

// The first answer wins, a failure the classifier does not retry
// included.
func TestHedgeFirstAnswerWins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(60*time.Millisecond, 100*time.Millisecond), err: func(i int64) error {
			if i == 0 {
				return errBoom
			}
			return nil
		}}
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgeAfter: 50 * time.Millisecond}), retry.WithMaxExtraLoad(1))
		start := time.Now()
		_, err := svc.Call(context.Background(), &request{})
		assert.ErrorIs(t, err, errBoom)
		assert.Equal(t, 60*time.Millisecond, time.Since(start))
		assert.Equal(t, 1, inner.cancelled)
	})
}

// A failure to retry is no answer: the call waits for the attempts still
// running, and retries once none is left.
func TestHedgeRetryableFailureWaits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(80*time.Millisecond, 5*time.Millisecond), err: func(i int64) error {
			if i == 1 {
				return errNotSent
			}
			return nil
		}}
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 3, HedgeAfter: 50 * time.Millisecond}), retry.WithMaxExtraLoad(1))
		start := time.Now()
		_, err := svc.Call(context.Background(), &request{})
		require.NoError(t, err)
		assert.Equal(t, 80*time.Millisecond, time.Since(start), "the first attempt answered")
		assert.Equal(t, 2, inner.attempts(), "the next hedge was due at 100ms")
	})
}

func TestHedgeAllFailedRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(70*time.Millisecond, 10*time.Millisecond), err: func(i int64) error {
			if i < 2 {
				return errNotSent
			}
			return nil
		}}
		var d decisions
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 3, HedgeAfter: 50 * time.Millisecond, NoBackoff: true}),
			retry.WithMaxExtraLoad(1), retry.WithOnDecision(d.hook))
		_, err := svc.Call(context.Background(), &request{})
		require.NoError(t, err)
		assert.Equal(t, 3, inner.attempts())
		assert.Equal(t, []retry.Reason{retry.ReasonHedged, retry.ReasonRetried}, d.reasons())
		assert.Equal(t, []string{"", "1", "2"}, inner.flags)
	})
}

func TestHedgeGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(70*time.Millisecond, 10*time.Millisecond), err: always(errNotSent)}
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgeAfter: 50 * time.Millisecond}), retry.WithMaxExtraLoad(1))
		_, err := svc.Call(context.Background(), &request{})
		assert.ErrorIs(t, err, retry.ErrAttemptsExhausted)
		assert.ErrorIs(t, err, errNotSent)
	})
}

func TestHedgeChainStopped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(time.Second)}
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{HedgeAfter: 50 * time.Millisecond}), retry.WithMaxExtraLoad(1))
		ctx := metainfo.WithPersistentValue(context.Background(), retry.MetainfoKey, "1")
		_, err := svc.Call(ctx, &request{})
		require.NoError(t, err)
		assert.Equal(t, 1, inner.attempts(), "a retried request is not hedged")
	})
}

func TestHedgeClonesTheRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(time.Second, 10*time.Millisecond)}
		clone := func(r *request) *request { c := *r; return &c }
		svc, err := motore.Build(inner, retry.NewFor(retry.Requests[*request]{Clone: clone}, retry.Classifier[*request](nil),
			retry.WithFreshClock(), retry.WithPolicy(retry.Policy{HedgeAfter: 50 * time.Millisecond}), retry.WithMaxExtraLoad(1)))
		require.NoError(t, err)
		req := &request{id: 7}
		got, err := svc.Call(context.Background(), req)
		require.NoError(t, err)
		require.Len(t, inner.reqs, 2)
		assert.Same(t, req, inner.reqs[0])
		assert.NotSame(t, req, inner.reqs[1])
		assert.Equal(t, 7, inner.reqs[1].id)
		assert.Same(t, inner.reqs[1], got, "the winner's answer")
	})
}

func TestHedgePanicReachesTheCaller(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		inner := &scripted{lat: latencies(time.Second, 10*time.Millisecond)}
		panicky := &panicking{inner: inner}
		svc := hedged(t, panicky, retry.WithPolicy(retry.Policy{HedgeAfter: 50 * time.Millisecond}), retry.WithMaxExtraLoad(1))
		assert.PanicsWithValue(t, "boom", func() { _, _ = svc.Call(context.Background(), &request{}) })
		assert.Equal(t, 1, inner.cancelled, "the other attempt was cancelled and waited for")
	})
}

// panicking panics in its second attempt, after the script's latency.
type panicking struct {
	inner *scripted
	n     atomic.Int64
}

func (p *panicking) Call(ctx context.Context, r *request) (*request, error) {
	resp, err := p.inner.Call(ctx, r)
	if p.n.Add(1) == 1 && err == nil {
		panic("boom")
	}
	return resp, err
}

// The budget bounds hedges as it bounds retries; so does the layer's
// extra-load share.
func TestHedgesSpendTheBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// The first attempt is slow, a hedge fast.
		inner := motore.ServiceFn(func(ctx context.Context, r *request) (*request, error) {
			d := time.Second
			if _, ok := retry.Retried(ctx); ok {
				d = time.Millisecond
			}
			select {
			case <-time.After(d):
				return r, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		})
		var d decisions
		b := retry.NewBudget(time.Hour, 0, 0.5)
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgeAfter: 10 * time.Millisecond}),
			retry.WithMaxExtraLoad(1), retry.WithBudget(b), retry.WithOnDecision(d.hook))
		for range 20 {
			_, _ = svc.Call(context.Background(), &request{})
		}
		assert.Equal(t, 10, d.count(retry.ReasonHedged), "half the calls")
		assert.Equal(t, 10, d.count(retry.ReasonBudgetExhausted))

		d = decisions{}
		svc = hedged(t, inner, retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgeAfter: 10 * time.Millisecond}),
			retry.WithMaxExtraLoad(0.1), retry.WithLatencyWindow(time.Hour), retry.WithoutBudget(), retry.WithOnDecision(d.hook))
		for range 100 {
			_, _ = svc.Call(context.Background(), &request{})
		}
		assert.Equal(t, 10, d.count(retry.ReasonHedged), "a tenth of the calls")
	})
}

// percentileAt returns the latency that the slowest 1 - q of the calls
// reach or exceed: with exactly 1% of calls slow, the p99 is a slow one.
func percentileAt(lat []time.Duration, q float64) time.Duration {
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[int(q*float64(len(s)))]
}

// Hedging after the p95 against a service whose calls take 5-15ms, and 1%
// of them 100 times that: the p99 the caller sees drops at least five-fold
// for at most 6% more calls to the service. The fake clock makes the run
// exact and repeatable.
func TestHedgeAfterP95CutsTheTail(t *testing.T) {
	const calls = 10000
	// Attempt i takes 5-15ms, spread by a fixed permutation; every 100th
	// attempt is 100 times slower.
	lat := func(i int64) time.Duration {
		d := 5*time.Millisecond + time.Duration(i*7919%1000)*10*time.Microsecond
		if i%100 == 99 {
			d *= 100
		}
		return d
	}
	run := func(t *testing.T, p retry.Policy) (p99 time.Duration, extra float64) {
		var out []time.Duration
		var attempts int
		synctest.Test(t, func(t *testing.T) {
			inner := &scripted{lat: lat}
			svc := hedged(t, inner, retry.WithPolicy(p))
			for range calls {
				start := time.Now()
				_, err := svc.Call(context.Background(), &request{})
				require.NoError(t, err)
				out = append(out, time.Since(start))
			}
			attempts = inner.attempts()
		})
		return percentileAt(out, 0.99), float64(attempts-calls) / calls
	}
	base, baseExtra := run(t, retry.Policy{MaxAttempts: 1})
	hedgedP99, extra := run(t, retry.Policy{MaxAttempts: 2, HedgePercentile: 95})
	t.Logf("p99 without hedging %v, with hedging after the p95 %v (%.1fx), extra load %.2f%%",
		base, hedgedP99, float64(base)/float64(hedgedP99), extra*100)
	assert.Zero(t, baseExtra)
	assert.GreaterOrEqual(t, float64(base)/float64(hedgedP99), 5.0)
	assert.LessOrEqual(t, extra, 0.06)
}
