package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

func echo() motore.Service[string, string] {
	return motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil })
}

// The accuracy of the token bucket is a matter of arithmetic on the clock
// readings, so it is tested on a fake clock (a synctest bubble), where it is
// exact and independent of the machine. How close the layer comes to its rate
// on the wall clock of a loaded machine is BenchmarkRateAccuracy's business.

const (
	accuracyRate   = 1000.0
	accuracyWindow = 2 * time.Second
)

// A caller that tries every 100µs for 2 s at 1000/s with burst 1 is
// admitted exactly 2000 times: the full bucket at 0, then one a millisecond
// up to 1999ms.
func TestRateAdmitsItsRateOnAFakeClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var admitted int
		svc := ratelimit.Rate[int, int](rate.NewLimiter(accuracyRate, 1)).Layer(motore.ServiceFn(func(context.Context, int) (int, error) {
			admitted++
			return 0, nil
		}))
		var rejected int
		for start := time.Now(); time.Since(start) < accuracyWindow; time.Sleep(100 * time.Microsecond) {
			if _, err := svc.Call(context.Background(), 0); err != nil {
				require.ErrorIs(t, err, ratelimit.ErrLimited)
				rejected++
			}
		}
		assert.Equal(t, int(accuracyRate*accuracyWindow.Seconds()), admitted)
		assert.Equal(t, 20000-admitted, rejected)
	})
}

// In wait mode 50 callers that never pause are admitted one a millisecond
// until their context ends: each waits for its reserved token, and those
// whose token would come after the deadline are rejected without waiting.
func TestRateWaitingAdmitsItsRateOnAFakeClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var admitted atomic.Int64
		svc := ratelimit.Rate[int, int](rate.NewLimiter(accuracyRate, 1), ratelimit.WithWait(0)).Layer(motore.ServiceFn(func(context.Context, int) (int, error) {
			admitted.Add(1)
			return 0, nil
		}))
		ctx, cancel := context.WithTimeout(context.Background(), accuracyWindow)
		defer cancel()
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				for ctx.Err() == nil {
					_, err := svc.Call(ctx, 0)
					if err != nil && !errors.Is(err, ratelimit.ErrLimited) && ctx.Err() == nil {
						t.Errorf("unexpected error: %v", err)
						return
					}
					if errors.Is(err, ratelimit.ErrLimited) {
						// Rejected for a token past the deadline: the next
						// try would be too, until the deadline passes.
						<-ctx.Done()
					}
				}
			})
		}
		wg.Wait()
		want := accuracyRate * accuracyWindow.Seconds()
		assert.InDelta(t, want, float64(admitted.Load()), 1, "one token a millisecond, and the first at once")
	})
}

func TestRateRejectsWithRetryAfter(t *testing.T) {
	var rejected []ratelimit.LimitedError
	lim := rate.NewLimiter(rate.Every(time.Hour), 2)
	rec := motoretest.NewRecorder(echo())
	svc := ratelimit.Rate[string, string](lim, ratelimit.WithOnReject(func(_ context.Context, e ratelimit.LimitedError) {
		rejected = append(rejected, e)
	})).Layer(rec)

	for _, req := range []string{"a", "b"} {
		resp, err := svc.Call(context.Background(), req)
		require.NoError(t, err)
		assert.Equal(t, req, resp)
	}
	_, err := svc.Call(context.Background(), "c")
	require.ErrorIs(t, err, ratelimit.ErrLimited)
	var le *ratelimit.LimitedError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "rate", le.Limiter)
	d, ok := ratelimit.RetryAfter(err)
	require.True(t, ok)
	assert.InDelta(t, time.Hour.Seconds(), d.Seconds(), 60)
	assert.Equal(t, []string{"a", "b"}, rec.Requests(), "a rejected call never reaches the service")
	require.Len(t, rejected, 1)
	assert.Equal(t, *le, rejected[0])
}

func TestRateLimitChangesAtRunTime(t *testing.T) {
	lim := rate.NewLimiter(rate.Every(time.Hour), 1)
	svc := ratelimit.Rate[string, string](lim).Layer(echo())
	_, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	_, err = svc.Call(context.Background(), "")
	require.ErrorIs(t, err, ratelimit.ErrLimited)

	lim.SetLimit(rate.Inf)
	for range 100 {
		_, err = svc.Call(context.Background(), "")
		require.NoError(t, err)
	}
	lim.SetLimit(rate.Every(time.Hour))
	lim.SetBurst(0)
	_, err = svc.Call(context.Background(), "")
	require.ErrorIs(t, err, ratelimit.ErrLimited)
	assert.Equal(t, "ratelimit(0.0002777777777777778/s, burst 0)", motore.Layers(svc)[0])
}

func TestRateWaitAdmitsWhenTokenComesInTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lim := rate.NewLimiter(rate.Every(20*time.Millisecond), 1)
		svc := ratelimit.Rate[string, string](lim, ratelimit.WithWait(time.Second)).Layer(echo())
		_, err := svc.Call(context.Background(), "first")
		require.NoError(t, err)
		start := time.Now()
		resp, err := svc.Call(context.Background(), "second")
		require.NoError(t, err)
		assert.Equal(t, "second", resp)
		assert.Equal(t, 20*time.Millisecond, time.Since(start), "the call waited for its token, and no longer")
	})
}

func TestRateWaitRejectsAtOnceWhenTokenComesTooLate(t *testing.T) {
	tests := map[string]struct {
		opt     ratelimit.RateOption
		timeout time.Duration
	}{
		"context deadline": {ratelimit.WithWait(0), 50 * time.Millisecond},
		"max wait":         {ratelimit.WithWait(50 * time.Millisecond), 0},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			lim := rate.NewLimiter(rate.Every(time.Hour), 1)
			require.True(t, lim.Allow(), "drained")
			svc := ratelimit.Rate[string, string](lim, tt.opt).Layer(echo())
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			_, err := svc.Call(ctx, "late")
			require.ErrorIs(t, err, ratelimit.ErrLimited)
			require.NoError(t, ctx.Err(), "rejected before the deadline, without waiting in vain")
			d, ok := ratelimit.RetryAfter(err)
			require.True(t, ok)
			assert.Greater(t, d, 50*time.Minute)
		})
	}
}

func TestRateWaitCancelledGetsContextErrorAndReturnsToken(t *testing.T) {
	lim := rate.NewLimiter(rate.Every(time.Second), 1)
	svc := ratelimit.Rate[string, string](lim, ratelimit.WithWait(0)).Layer(echo())
	_, err := svc.Call(context.Background(), "drain")
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := svc.Call(ctx, "waits")
		done <- err
	}()
	require.Eventually(t, func() bool { return lim.Tokens() < -0.5 }, 5*time.Second, time.Millisecond, "the waiter reserved a token")
	cancel()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.Canceled)
		assert.NotErrorIs(t, err, ratelimit.ErrLimited)
	case <-time.After(5 * time.Second):
		t.Fatal("waiting call did not return after its context was cancelled")
	}
	assert.Greater(t, lim.Tokens(), -0.5, "the reserved token was given back")
}

func TestRateBuildErrors(t *testing.T) {
	_, err := motore.Build(echo(), ratelimit.Rate[string, string](nil))
	assert.ErrorIs(t, err, ratelimit.ErrNilLimiter)
	var be *motore.BuildError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "ratelimit", be.Layer)

	_, err = motore.Apply(ratelimit.Rate[string, string](rate.NewLimiter(1, 1)), nil)
	assert.ErrorIs(t, err, motore.ErrNilService)
	assert.Panics(t, func() { ratelimit.Rate[string, string](rate.NewLimiter(1, 1)).Layer(nil) })
}

func TestRateDescribe(t *testing.T) {
	svc, err := motore.NewBuilder[string, string]().
		Layer(ratelimit.Rate[string, string](rate.NewLimiter(100, 10))).
		Layer(ratelimit.Rate[string, string](rate.NewLimiter(rate.Inf, 0), ratelimit.WithWait(50*time.Millisecond))).
		Build(motoretest.NewRecorder[string, string](nil))
	require.NoError(t, err)
	assert.Equal(t, "ratelimit(100/s, burst 10) -> ratelimit(unlimited, wait up to 50ms) -> recorder", motore.Describe(svc))
}

func TestRateAdmittedPathAllocatesNothing(t *testing.T) {
	svc := ratelimit.Rate[string, string](rate.NewLimiter(rate.Limit(1e12), 1<<30)).Layer(echo())
	ctx := context.Background()
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = svc.Call(ctx, "x") }))
}
