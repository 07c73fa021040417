package retry_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/retry"
)

// Against a service that always fails, N calls spread over 10 seconds
// send at most 1.2N + 100 attempts with the default budget (20% of the
// calls plus 10 a second over 10 seconds), however many attempts the
// policy would allow: time is a fake clock, moved by the test.
func TestDefaultBudgetBoundsAttempts(t *testing.T) {
	for _, n := range []int{50, 100, 1000, 10000} {
		t.Run("", func(t *testing.T) {
			clk := retry.NewFakeClock()
			inner := &counter{fail: always(errNotSent)}
			var d decisions
			svc := build(t, inner, retry.New[string, string](nil,
				retry.WithPolicy(noWait(retry.MaxAttempts)),
				retry.WithClock(clk),
				retry.WithOnDecision(d.hook),
			))
			step := 10 * time.Second / time.Duration(n)
			for range n {
				_, err := svc.Call(context.Background(), "a")
				require.Error(t, err)
				clk.Advance(step)
			}
			bound := n + n/5 + 100
			assert.LessOrEqual(t, inner.calls(), bound)
			// The bound is what the budget spends, not a loose ceiling:
			// either it allowed every retry the policy wanted, or it ran
			// out within a few tokens of it.
			wanted := n * retry.MaxAttempts
			assert.GreaterOrEqual(t, inner.calls(), min(wanted, bound-2))
			assert.Equal(t, inner.calls()-n, d.count(retry.ReasonRetried))
			if wanted > bound {
				assert.Positive(t, d.count(retry.ReasonBudgetExhausted))
			}
		})
	}
}

// Deposits and withdrawals expire with the window: a target that failed
// through one window can be retried again in the next.
func TestBudgetWindowSlides(t *testing.T) {
	clk := retry.NewFakeClock()
	inner := &counter{fail: always(errNotSent)}
	b := retry.NewBudget(10*time.Second, 1, 0) // the reserve alone: 10 retries per 10s
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(retry.MaxAttempts)), retry.WithClock(clk), retry.WithBudget(b)))
	for range 10 {
		_, _ = svc.Call(context.Background(), "a")
	}
	assert.Equal(t, 10+10, inner.calls(), "the reserve is spent")
	clk.Advance(5 * time.Second)
	_, _ = svc.Call(context.Background(), "a")
	assert.Equal(t, 21, inner.calls(), "still within the window")
	clk.Advance(5 * time.Second)
	_, _ = svc.Call(context.Background(), "a")
	assert.Equal(t, 21+retry.MaxAttempts, inner.calls(), "the window moved on")
}

// A budget is shared: two layers that call one target spend one budget.
func TestBudgetIsShared(t *testing.T) {
	clk := retry.NewFakeClock()
	b := retry.NewBudget(10*time.Second, 0, 0.5)
	inner := &counter{fail: always(errNotSent)}
	opts := []retry.RetryOption{retry.WithPolicy(noWait(2)), retry.WithClock(clk), retry.WithBudget(b)}
	a := build(t, inner, retry.New[string, string](nil, opts...))
	c := build(t, inner, retry.New[string, string](nil, opts...))
	for range 50 {
		_, _ = a.Call(context.Background(), "a")
		_, _ = c.Call(context.Background(), "c")
	}
	assert.Equal(t, 100+50, inner.calls(), "half of the 100 calls")
}

func TestBudgetConcurrentWithdrawalsNeverOverspend(t *testing.T) {
	b := retry.NewBudget(10*time.Second, 0, 0.1)
	clk := retry.NewFakeClock()
	inner := &counter{fail: always(errNotSent)}
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(retry.MaxAttempts)), retry.WithClock(clk), retry.WithBudget(b)))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 250 {
				_, _ = svc.Call(context.Background(), "a")
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, inner.calls(), 2000+200)
}

// gRPC's throttling: each failure to retry takes a token, each answer
// gives back tokenRatio, and retries stop while half the tokens or fewer
// are left.
func TestThrottle(t *testing.T) {
	b := retry.NewThrottle(10, 0.5)
	fail := true
	inner := &counter{fail: func(int64) error {
		if fail {
			return errNotSent
		}
		return nil
	}}
	var d decisions
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(2)), retry.WithBudget(b), retry.WithOnDecision(d.hook)))
	call := func(ok bool) {
		fail = !ok
		_, _ = svc.Call(context.Background(), "a")
	}
	// A failure takes its token before the retry is decided: 10 -> 9,
	// retry, -> 8; 8 -> 7, retry, -> 6; then 6 -> 5 and 5 -> 4, neither
	// more than half.
	for range 4 {
		call(false)
	}
	assert.Equal(t, 2+2+1+1, inner.calls())
	assert.Equal(t, retry.ReasonBudgetExhausted, d.reasons()[len(d.reasons())-1])
	for range 4 { // 4 -> 6
		call(true)
	}
	call(false) // 6 -> 5: no retry
	assert.Equal(t, 6+4+1, inner.calls())
	for range 3 { // 5 -> 6.5
		call(true)
	}
	call(false) // 6.5 -> 5.5: retried, -> 4.5
	assert.Equal(t, 11+3+2, inner.calls())
}

func TestBudgetZeroRuleAndBounds(t *testing.T) {
	assert.Equal(t, "budget(20% + 10/s over 10s)", retry.DefaultBudget().String())
	assert.Equal(t, "budget(20% + 10/s over 10s)", retry.NewBudget(0, -5, -1).String(), "zero or less: the defaults")
	assert.Equal(t, "budget(20% + 10/s over 10s)", retry.NewBudget(-time.Second, -1, math.NaN()).String())
	assert.Equal(t, "budget(0% + 0/s over 1s)", retry.NewBudget(time.Millisecond, 0, 0).String(), "a zero reserve and ratio are values")
	assert.Equal(t, "budget(100000% + 1/s over 1h0m0s)", retry.NewBudget(100*time.Hour, 1, 1e9).String())
	assert.Equal(t, "throttle(10 tokens, ratio 0.1)", retry.NewThrottle(0, 0).String(), "zero or less: the defaults")
	assert.Equal(t, "throttle(10 tokens, ratio 0.1)", retry.NewThrottle(-1, math.NaN()).String())
	assert.Equal(t, "throttle(1 tokens, ratio 0.001)", retry.NewThrottle(0.5, 1e-6).String())
	assert.Equal(t, "throttle(1000 tokens, ratio 1)", retry.NewThrottle(1e6, 5).String())
}
