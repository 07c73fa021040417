package ratelimit_test

import (
	"context"
	"errors"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
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

// accuracyRun is one run of an accuracy test.
type accuracyRun struct {
	admitted int
	elapsed  time.Duration // from the first attempt to the end of the last
}

// runAccuracy has workers call svc with no pause until window ends, ctx
// permitting, and counts the calls that reach the inner service.
func runAccuracy(t *testing.T, ctx context.Context, mw motore.Middleware[int, int], window time.Duration, workers int) accuracyRun {
	t.Helper()
	var admitted atomic.Int64
	svc := mw.Layer(motore.ServiceFn(func(context.Context, int) (int, error) {
		admitted.Add(1)
		return 0, nil
	}))
	start := time.Now()
	var end atomic.Int64 // ns after start
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				now := time.Since(start)
				if now >= window || ctx.Err() != nil {
					return
				}
				_, err := svc.Call(ctx, 0)
				if err != nil && !errors.Is(err, ratelimit.ErrLimited) && ctx.Err() == nil {
					t.Errorf("unexpected error: %v", err)
					return
				}
				// Read after the call, so it is never before the limiter's
				// own reading of the clock for this attempt.
				d := int64(time.Since(start))
				for {
					cur := end.Load()
					if d <= cur || end.CompareAndSwap(cur, d) {
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	return accuracyRun{
		admitted: int(admitted.Load()),
		elapsed:  time.Duration(end.Load()),
	}
}

const (
	accuracyRate    = 1000.0
	accuracyWindow  = 2 * time.Second
	accuracyWorkers = 50
)

// With a limit of 1000/s and burst 1, 50 callers that never pause for 2 s
// are admitted 2000 ± 3% times, and never more than the bucket holds.
//
// A bucket of one token overflows whenever no caller asks for a token for
// more than a millisecond, which happens when the machine does not run the
// test (a loaded machine, -race, other test binaries). The test runs the
// callers on one P, so the process's CPU time tells how much of the window
// they were running: a run that got less than 97% of it measured the
// machine, not the limiter, and is repeated, up to 3 times. The bound is
// never widened; if the machine never lets a run through, the test says so
// and skips the lower bound. TestRateAccuracyWaiting asserts the same count
// in a mode that does not depend on the scheduler.
func TestRateAccuracy(t *testing.T) {
	// On one P the process's CPU time is the callers' running time. (On two,
	// a caller whose thread the machine stops while it holds the limiter's
	// lock also holds up the callers of the other thread.)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	for attempt := 1; ; attempt++ {
		lim := rate.NewLimiter(accuracyRate, 1)
		cpu0 := processCPU()
		run := runAccuracy(t, context.Background(), ratelimit.Rate[int, int](lim), accuracyWindow, accuracyWorkers)
		share := float64(processCPU()-cpu0) / float64(run.elapsed)
		t.Logf("attempt %d: admitted %d in %v, running %.0f%% of it", attempt, run.admitted, run.elapsed, 100*share)
		require.LessOrEqual(t, float64(run.admitted), 1+accuracyRate*run.elapsed.Seconds()+1, "more than the bucket holds")
		if within(run.admitted, 0.03) {
			return
		}
		if share >= 0.97 {
			t.Fatalf("admitted %d, want %.0f ± 3%%, with the callers running throughout", run.admitted, accuracyRate*accuracyWindow.Seconds())
		}
		if attempt == 3 {
			t.Skipf("the machine ran the callers for at most %.0f%% of each window; the count measures the machine", 100*share)
		}
	}
}

// In wait mode each caller reserves its token ahead, so the limiter's own
// reservations fill the window whether or not the callers are running at
// the moment a token comes: 2000 ± 3% admitted, with no correction. Only a
// stall of the whole process longer than the 50 tokens reserved ahead can
// lose tokens; a run that saw one (measured by a sleeping probe) is
// repeated, up to 3 times.
func TestRateAccuracyWaiting(t *testing.T) {
	for attempt := 1; ; attempt++ {
		lim := rate.NewLimiter(accuracyRate, 1)
		ctx, cancel := context.WithTimeout(context.Background(), accuracyWindow)
		stalls := probeStalls(ctx)
		run := runAccuracy(t, ctx, ratelimit.Rate[int, int](lim, ratelimit.WithWait(0)), accuracyWindow, accuracyWorkers)
		cancel()
		stalled := <-stalls
		t.Logf("attempt %d: admitted %d in %v; process stalls over 40ms: %v", attempt, run.admitted, run.elapsed, stalled)
		require.LessOrEqual(t, float64(run.admitted), 1+accuracyRate*run.elapsed.Seconds()+1, "more than the bucket holds")
		if within(run.admitted, 0.03) {
			return
		}
		if stalled == 0 {
			t.Fatalf("admitted %d, want %.0f ± 3%%, with no stall of the process", run.admitted, accuracyRate*accuracyWindow.Seconds())
		}
		if attempt == 3 {
			t.Skipf("the machine stalled the process for %v in the last window; the count measures the machine", stalled)
		}
	}
}

func within(admitted int, epsilon float64) bool {
	want := accuracyRate * accuracyWindow.Seconds()
	return math.Abs(float64(admitted)-want) <= epsilon*want
}

// probeStalls sleeps a millisecond at a time until ctx ends and sends the
// total of the wake-ups late by more than 40ms: times when the machine did
// not run the process at all.
func probeStalls(ctx context.Context) <-chan time.Duration {
	out := make(chan time.Duration, 1)
	go func() {
		var stalled time.Duration
		for ctx.Err() == nil {
			start := time.Now()
			time.Sleep(time.Millisecond)
			if late := time.Since(start) - time.Millisecond; late > 40*time.Millisecond {
				stalled += late
			}
		}
		out <- stalled
	}()
	return out
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
	lim := rate.NewLimiter(rate.Every(20*time.Millisecond), 1)
	svc := ratelimit.Rate[string, string](lim, ratelimit.WithWait(time.Second)).Layer(echo())
	_, err := svc.Call(context.Background(), "first")
	require.NoError(t, err)
	start := time.Now()
	resp, err := svc.Call(context.Background(), "second")
	require.NoError(t, err)
	assert.Equal(t, "second", resp)
	assert.GreaterOrEqual(t, time.Since(start), 10*time.Millisecond, "the call waited for its token")
}

func TestRateWaitRejectsAtOnceWhenTokenComesTooLate(t *testing.T) {
	tests := map[string]struct {
		opt     ratelimit.Option
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
