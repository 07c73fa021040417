package retry_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

func TestSuccessIsOneCall(t *testing.T) {
	inner := &counter{}
	svc := build(t, inner, retry.New[string, string](nil))
	got, err := svc.Call(context.Background(), "a")
	require.NoError(t, err)
	assert.Equal(t, "ok a", got)
	assert.Equal(t, 1, inner.calls())
}

func TestRetriesCallsNeverSent(t *testing.T) {
	inner := &counter{fail: failFirst(2, errNotSent)}
	var d decisions
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(3)), retry.WithOnDecision(d.hook)))
	got, err := svc.Call(context.Background(), "a")
	require.NoError(t, err)
	assert.Equal(t, "ok a", got)
	assert.Equal(t, 3, inner.calls())
	assert.Equal(t, []retry.Reason{retry.ReasonRetried, retry.ReasonRetried}, d.reasons())
	assert.Equal(t, []string{"", "1", "2"}, inner.seenFlags(), "retries carry the flag with their number")
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	inner := &counter{fail: always(errNotSent)}
	var d decisions
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(4)), retry.WithOnDecision(d.hook)))
	_, err := svc.Call(context.Background(), "a")
	require.Error(t, err)
	assert.Equal(t, 4, inner.calls())
	assert.ErrorIs(t, err, retry.ErrAttemptsExhausted)
	assert.ErrorIs(t, err, errNotSent, "the last attempt's error is still there")
	var re *retry.Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 4, re.Attempts)
	assert.Equal(t, "retry: attempts exhausted after 4 attempts: connection refused", err.Error())
	assert.True(t, retry.DoNotRetry(err))
	assert.Equal(t, "resource_exhausted", retry.CodeOf(err))
	assert.Equal(t, retry.ReasonAttemptsExhausted, d.reasons()[len(d.reasons())-1])
}

func TestMaxAttemptsIsCapped(t *testing.T) {
	inner := &counter{fail: always(errNotSent)}
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(retry.Policy{MaxAttempts: 100, NoBackoff: true}), retry.WithoutBudget()))
	_, _ = svc.Call(context.Background(), "a")
	assert.Equal(t, retry.MaxAttempts, inner.calls())
}

func TestDefaultClassifier(t *testing.T) {
	timeout := fmt.Errorf("read: %w", context.DeadlineExceeded)
	tests := []struct {
		name       string
		err        error
		idempotent bool
		calls      int
	}{
		{"not sent", errNotSent, false, 3},
		{"wrapped not sent", fmt.Errorf("dial: %w", errNotSent), false, 3},
		{"timeout, not idempotent", timeout, false, 1},
		{"timeout, idempotent", timeout, true, 3},
		{"remote deadline, idempotent", &codeError{"deadline_exceeded"}, true, 3},
		{"unavailable after sending", &codeError{"unavailable"}, true, 1},
		{"plain error", errBoom, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inner := &counter{fail: always(tt.err)}
			p := noWait(3)
			p.Idempotent = tt.idempotent
			svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(p)))
			_, err := svc.Call(context.Background(), "a")
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.calls, inner.calls())
		})
	}
}

func TestRetryOnCodes(t *testing.T) {
	inner := &counter{fail: failFirst(1, &codeError{"unavailable"})}
	svc := build(t, inner, retry.New[string, string](retry.RetryOnCodes[string]("unavailable"), retry.WithPolicy(noWait(3))))
	_, err := svc.Call(context.Background(), "a")
	require.NoError(t, err)
	assert.Equal(t, 2, inner.calls())

	other := &counter{fail: always(&codeError{"not_found"})}
	svc = build(t, other, retry.New[string, string](retry.RetryOnCodes[string]("unavailable")))
	_, err = svc.Call(context.Background(), "a")
	require.Error(t, err)
	assert.Equal(t, 1, other.calls())
}

// A classifier sees the response, so a reply that says "try again" is
// retried; when the attempts run out, the last reply is the answer.
func TestClassifierOnResponse(t *testing.T) {
	var n int
	inner := motore.ServiceFn(func(context.Context, string) (string, error) {
		n++
		if n < 3 {
			return "busy", nil
		}
		return "done", nil
	})
	busy := func(_ context.Context, resp string, err error, _ retry.Policy) bool {
		return err == nil && resp == "busy"
	}
	svc := build(t, inner, retry.New[string, string](busy, retry.WithPolicy(noWait(5))))
	got, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "done", got)

	n = -10
	svc = build(t, inner, retry.New[string, string](busy, retry.WithPolicy(noWait(2))))
	got, err = svc.Call(context.Background(), "")
	require.NoError(t, err, "a reply is not turned into an error")
	assert.Equal(t, "busy", got)
}

// Kitex's chain stop: a request that is itself a retry is not retried
// again, and the error says so to the caller that retried it.
func TestChainStop(t *testing.T) {
	inner := &counter{fail: always(errNotSent)}
	var d decisions
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(3)), retry.WithOnDecision(d.hook)))
	ctx := metainfo.WithPersistentValue(context.Background(), retry.MetainfoKey, "1")
	_, err := svc.Call(ctx, "a")
	assert.Equal(t, 1, inner.calls())
	assert.ErrorIs(t, err, retry.ErrChainStopped)
	assert.True(t, retry.DoNotRetry(err))
	assert.Equal(t, []retry.Reason{retry.ReasonChainStopped}, d.reasons())

	inner = &counter{fail: always(errNotSent)}
	svc = build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(3)), retry.WithoutChainStop()))
	_, _ = svc.Call(ctx, "a")
	assert.Equal(t, 3, inner.calls(), "WithoutChainStop retries it")
}

func TestRetried(t *testing.T) {
	_, ok := retry.Retried(context.Background())
	assert.False(t, ok)
	n, ok := retry.Retried(metainfo.WithPersistentValue(context.Background(), retry.MetainfoKey, "2"))
	assert.True(t, ok)
	assert.Equal(t, 2, n)
	n, ok = retry.Retried(metainfo.WithPersistentValue(context.Background(), retry.MetainfoKey, "yes"))
	assert.True(t, ok)
	assert.Equal(t, 1, n)
}

// An error from below that says "overloaded, do not retry" is returned as
// it is, whatever the classifier says.
func TestOverloadStop(t *testing.T) {
	retryAll := func(_ context.Context, _ string, err error, _ retry.Policy) bool { return err != nil }
	tests := map[string]error{
		"resource_exhausted code": &codeError{"resource_exhausted"},
		"give-up from below":      &retry.Error{Reason: retry.ErrBudgetExhausted, Attempts: 1, Err: errBoom},
		"shed":                    retry.ErrShed,
		"wrapped":                 fmt.Errorf("call: %w", &codeError{"resource_exhausted"}),
	}
	for name, e := range tests {
		t.Run(name, func(t *testing.T) {
			inner := &counter{fail: always(e)}
			var d decisions
			svc := build(t, inner, retry.New[string, string](retryAll, retry.WithPolicy(noWait(3)), retry.WithOnDecision(d.hook)))
			_, err := svc.Call(context.Background(), "a")
			assert.Same(t, e, err, "returned unchanged")
			assert.Equal(t, 1, inner.calls())
			assert.Equal(t, []retry.Reason{retry.ReasonOverloaded}, d.reasons())

			inner = &counter{fail: always(e)}
			svc = build(t, inner, retry.New[string, string](retryAll, retry.WithPolicy(noWait(3)), retry.WithoutOverloadStop()))
			_, _ = svc.Call(context.Background(), "a")
			assert.Equal(t, 3, inner.calls(), "WithoutOverloadStop retries it")
		})
	}
}

// The code of an *Error is its own: errors.As does not reach the coded
// errors inside, so a server that forwards an exception it finds with
// errors.As sends "resource_exhausted". Errors without a code are found.
func TestErrorHidesInnerCodes(t *testing.T) {
	inner := &codeError{"unavailable"}
	err := error(&retry.Error{Reason: retry.ErrAttemptsExhausted, Attempts: 3, Err: fmt.Errorf("x: %w", inner)})
	var ce *codeError
	assert.False(t, errors.As(err, &ce))
	var c interface{ RPCCode() string }
	require.True(t, errors.As(err, &c))
	assert.Equal(t, "resource_exhausted", c.RPCCode())
	assert.ErrorIs(t, err, inner, "errors.Is still sees it")
	assert.Equal(t, "resource_exhausted", retry.CodeOf(err))

	var ns notSentError
	err = &retry.Error{Reason: retry.ErrAttemptsExhausted, Attempts: 3, Err: errNotSent}
	assert.True(t, errors.As(err, &ns), "an error without a code is found")
}

func TestCodeOfAndNotSent(t *testing.T) {
	assert.Equal(t, "", retry.CodeOf(nil))
	assert.Equal(t, "", retry.CodeOf(errBoom))
	assert.Equal(t, "unavailable", retry.CodeOf(fmt.Errorf("a: %w", &codeError{"unavailable"})))
	assert.Equal(t, "unavailable", retry.CodeOf(errors.Join(errBoom, &codeError{"unavailable"})))
	assert.True(t, retry.NotSent(errors.Join(errBoom, errNotSent)))
	assert.False(t, retry.NotSent(errBoom))
	assert.False(t, retry.DoNotRetry(errBoom))
	assert.False(t, retry.DoNotRetry(nil))
}

// Retries wait with full jitter: a draw from [0, bound], the bound doubling
// from InitialBackoff up to MaxBackoff.
func TestBackoffFullJitter(t *testing.T) {
	clk := retry.NewFakeClock()
	var bounds []int64
	top := func(n int64) int64 { bounds = append(bounds, n); return n - 1 }
	inner := &counter{fail: always(errNotSent)}
	var d decisions
	p := retry.Policy{MaxAttempts: 5, InitialBackoff: 10 * time.Millisecond, MaxBackoff: 25 * time.Millisecond}
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(p), retry.WithClock(clk), retry.WithRand(top), retry.WithOnDecision(d.hook)))
	_, _ = svc.Call(context.Background(), "a")
	ms := int64(time.Millisecond)
	assert.Equal(t, []int64{10*ms + 1, 20*ms + 1, 25*ms + 1, 25*ms + 1}, bounds)
	assert.Equal(t, 80*time.Millisecond, clk.Elapsed(), "the waits passed on the clock")
	var delays []time.Duration
	for _, dec := range d.ds {
		if dec.Reason == retry.ReasonRetried {
			delays = append(delays, dec.Delay)
		}
	}
	assert.Equal(t, []time.Duration{10 * time.Millisecond, 20 * time.Millisecond, 25 * time.Millisecond, 25 * time.Millisecond}, delays)
}

// An attempt that cannot finish before the deadline is not started, and no
// backoff runs past it.
func TestDeadline(t *testing.T) {
	clk := retry.NewFakeClock()
	slow := motore.ServiceFn(func(context.Context, string) (string, error) {
		clk.Advance(40 * time.Millisecond)
		return "", errNotSent
	})
	var d decisions
	p := retry.Policy{MaxAttempts: 5, InitialBackoff: 5 * time.Millisecond, MaxBackoff: 5 * time.Millisecond}
	svc := build(t, slow, retry.New[string, string](nil, retry.WithPolicy(p), retry.WithClock(clk), retry.WithRand(func(n int64) int64 { return n - 1 }), retry.WithOnDecision(d.hook)))
	ctx, cancel := context.WithDeadline(context.Background(), clk.Now().Add(100*time.Millisecond))
	defer cancel()
	_, err := svc.Call(ctx, "a")
	assert.ErrorIs(t, err, errNotSent)
	assert.NotErrorIs(t, err, retry.ErrAttemptsExhausted, "out of time returns the error as it is")
	// 40ms, wait 5ms, 40ms (85ms): another 5+40 would end at 130ms.
	assert.Equal(t, []retry.Reason{retry.ReasonRetried, retry.ReasonOutOfTime}, d.reasons())
	assert.Equal(t, 85*time.Millisecond, clk.Elapsed())
}

// The estimate of an attempt's time comes from recent answers once there
// are some: a fast failure does not make a slow call look like it fits.
func TestDeadlineEstimateFromAnswers(t *testing.T) {
	clk := retry.NewFakeClock()
	fail := false
	inner := motore.ServiceFn(func(context.Context, string) (string, error) {
		if fail {
			clk.Advance(time.Millisecond)
			return "", errNotSent
		}
		clk.Advance(50 * time.Millisecond)
		return "ok", nil
	})
	var d decisions
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(noWait(3)), retry.WithClock(clk), retry.WithOnDecision(d.hook)))
	ctx, cancel := context.WithDeadline(context.Background(), clk.Now().Add(time.Hour))
	_, err := svc.Call(ctx, "learn")
	cancel()
	require.NoError(t, err)

	fail = true
	ctx, cancel = context.WithDeadline(context.Background(), clk.Now().Add(30*time.Millisecond))
	defer cancel()
	_, err = svc.Call(ctx, "a")
	assert.ErrorIs(t, err, errNotSent)
	assert.Equal(t, []retry.Reason{retry.ReasonOutOfTime}, d.reasons())
}

func TestCancelDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	inner := &counter{fail: func(int64) error { cancel(); return errNotSent }}
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(retry.Policy{InitialBackoff: time.Hour, MaxBackoff: time.Hour})))
	_, err := svc.Call(ctx, "a")
	assert.ErrorIs(t, err, errNotSent)
	assert.Equal(t, 1, inner.calls())
}

func TestBackoffWaitsForContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	inner := &counter{fail: always(errNotSent)}
	svc := build(t, inner, retry.New[string, string](nil, retry.WithPolicy(retry.Policy{InitialBackoff: time.Hour, MaxBackoff: time.Hour}),
		retry.WithRand(func(n int64) int64 { return n - 1 })))
	done := make(chan error)
	go func() {
		_, err := svc.Call(ctx, "a")
		done <- err
	}()
	require.Eventually(t, func() bool { return inner.calls() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, errNotSent)
	case <-time.After(5 * time.Second):
		t.Fatal("the backoff did not end with the context")
	}
}

func TestMethodPolicies(t *testing.T) {
	inner := &counter{fail: always(errNotSent)}
	byReq := func(_ context.Context, req string) string { return req }
	var d decisions
	policies := map[string]retry.Policy{"Get": noWait(4), "Put": noWait(1)}
	mw := retry.NewFor(retry.Requests[string]{Method: byReq, Policies: policies}, retry.Classifier[string](nil),
		retry.WithPolicy(noWait(2)),
		retry.WithoutBudget(),
		retry.WithOnDecision(d.hook),
	)
	svc := build(t, inner, mw)
	policies["Get"] = noWait(1) // the layer keeps its own copy
	for _, m := range []string{"Get", "Put", "Other"} {
		_, _ = svc.Call(context.Background(), m)
	}
	assert.Equal(t, 4+1+2, inner.calls())
	d.mu.Lock()
	assert.Equal(t, "Get", d.ds[0].Method)
	d.mu.Unlock()
	assert.Equal(t, "retry(2 attempts, no backoff; Get: 4 attempts, no backoff; Put: 1 attempt; no budget) -> *retry_test.counter", motore.Describe(svc))
}

func TestDescribe(t *testing.T) {
	svc := build(t, &counter{}, retry.New[string, string](nil))
	assert.Equal(t, "retry(3 attempts, backoff 10ms..1s; budget(20% + 10/s over 10s)) -> *retry_test.counter", motore.Describe(svc))
	svc = build(t, &counter{}, retry.New[string, string](nil,
		retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgePercentile: 95, HedgeAfter: time.Millisecond}),
		retry.WithBudget(retry.NewThrottle(10, 0.1))))
	assert.Equal(t, "retry(2 attempts, backoff 10ms..1s, hedge after p95 (at least 1ms); throttle(10 tokens, ratio 0.1); extra load 5%) -> *retry_test.counter", motore.Describe(svc))
}

func TestBuildErrors(t *testing.T) {
	_, err := motore.Build[string, string](nil, retry.New[string, string](nil))
	assert.ErrorIs(t, err, motore.ErrNilService)

	// A classifier for another response type does not compile:
	// retry.New[string, string](retry.RetryOnCodes[int]("unavailable")).
	var nilFunc motore.ServiceFunc[string, string]
	_, err = motore.Apply(retry.New[string, string](nil), motore.Service[string, string](nilFunc))
	assert.ErrorIs(t, err, motore.ErrNilService, "a nil ServiceFunc is a nil service too")
	var be *motore.BuildError
	require.ErrorAs(t, err, &be)

	// Nor do a key function or a clone for another request type:
	// retry.NewFor[string, string](retry.Requests[int]{Clone: ...}, nil).
}

func TestCallerCancelIsNotRetried(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	inner := &counter{fail: always(errNotSent)}
	retryAll := func(_ context.Context, _ string, err error, _ retry.Policy) bool { return err != nil }
	svc := build(t, inner, retry.New[string, string](retryAll, retry.WithPolicy(noWait(3))))
	_, err := svc.Call(ctx, "a")
	assert.ErrorIs(t, err, errNotSent)
	assert.Equal(t, 1, inner.calls())
}

// A Policy field of zero or less is its default; only NoBackoff turns the
// wait off.
func TestPolicyZeroOrLessIsTheDefault(t *testing.T) {
	for _, p := range []retry.Policy{
		{},
		{MaxAttempts: -1, InitialBackoff: -1, MaxBackoff: -1, Multiplier: -1},
		{InitialBackoff: math.MinInt64, MaxBackoff: math.MinInt64, Multiplier: math.NaN()},
	} {
		svc := build(t, &counter{}, retry.New[string, string](nil, retry.WithPolicy(p), retry.WithoutBudget()))
		assert.Equal(t, "retry(3 attempts, backoff 10ms..1s; no budget) -> *retry_test.counter", motore.Describe(svc), "%+v", p)
	}
	svc := build(t, &counter{}, retry.New[string, string](nil, retry.WithPolicy(retry.Policy{NoBackoff: true, InitialBackoff: time.Second}), retry.WithoutBudget()))
	assert.Equal(t, "retry(3 attempts, no backoff; no budget) -> *retry_test.counter", motore.Describe(svc))
}
