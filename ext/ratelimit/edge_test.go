package ratelimit_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
)

// callWithin runs one call on its own goroutine and fails the test if it
// has not returned within a generous bound, so that a call that would block
// forever fails the test instead of hanging it.
func callWithin(t *testing.T, call func(ctx context.Context) error) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background()) // no deadline
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- call(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		cancel()
		<-done
		t.Fatal("the call blocked: it waits for a token that never comes")
		return nil
	}
}

func TestRateWaitNeverWaitsForATokenThatNeverComes(t *testing.T) {
	tests := map[string]struct {
		limit   rate.Limit
		maxWait time.Duration
	}{
		"zero rate":               {0, 0},
		"zero rate with max wait": {0, time.Hour},
		"negative rate":           {-1, 0},
		"too slow to represent":   {1e-300, 0},
		"too slow, with max wait": {1e-300, time.Hour},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			lim := rate.NewLimiter(tt.limit, 1)
			svc := ratelimit.Rate[string, string](lim, ratelimit.WithWait(tt.maxWait)).Layer(echo())
			_, err := svc.Call(context.Background(), "burst")
			require.NoError(t, err, "the burst is admitted")
			err = callWithin(t, func(ctx context.Context) error { _, err := svc.Call(ctx, "late"); return err })
			require.ErrorIs(t, err, ratelimit.ErrLimited)
			_, ok := ratelimit.RetryAfter(err)
			assert.False(t, ok, "no retry hint when no token will come")
			assert.Greater(t, lim.Tokens(), -0.5, "the reserved token was given back")

			keyed := ratelimit.NewKeyed[string, string](byReq, tt.limit, 1, ratelimit.WithWait(tt.maxWait)).Layer(echo())
			_, err = keyed.Call(context.Background(), "k")
			require.NoError(t, err, "the burst is admitted")
			err = callWithin(t, func(ctx context.Context) error { _, err := keyed.Call(ctx, "k"); return err })
			require.ErrorIs(t, err, ratelimit.ErrLimited)
			var le *ratelimit.LimitedError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, "k", le.Key)
			assert.Zero(t, le.RetryAfter)
		})
	}
}

func TestRateRetryAfterOfVerySlowRates(t *testing.T) {
	const century = 100 * 365 * 24 * time.Hour
	tests := map[string]struct {
		limit rate.Limit
		hint  bool // a positive RetryAfter, else none at all
	}{
		"a token per century":       {rate.Every(century), true},
		"too slow to represent":     {1e-12, false},
		"far too slow":              {1e-300, false},
		"smallest positive float":   {rate.Limit(math.SmallestNonzeroFloat64), false},
		"zero rate (never refills)": {0, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			lim := rate.NewLimiter(tt.limit, 1)
			svc := ratelimit.Rate[string, string](lim).Layer(echo())
			_, err := svc.Call(context.Background(), "burst")
			require.NoError(t, err)
			_, err = svc.Call(context.Background(), "x")
			var le *ratelimit.LimitedError
			require.ErrorAs(t, err, &le)
			d, ok := ratelimit.RetryAfter(err)
			assert.Equal(t, tt.hint, ok)
			if tt.hint {
				assert.Greater(t, d, century/2)
			} else {
				assert.Zero(t, le.RetryAfter, "never negative")
			}
		})
	}
}

func TestAlgorithmsWithLimitsAtMaxInt(t *testing.T) {
	algs := map[string]func() ratelimit.Algorithm{
		"aimd": func() ratelimit.Algorithm {
			return ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: math.MaxInt, MaxLimit: math.MaxInt})
		},
		"gradient": func() ratelimit.Algorithm {
			return ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: math.MaxInt, MaxLimit: math.MaxInt,
				ShortWindow: math.MaxInt, LongWindow: math.MaxInt})
		},
	}
	for name, newAlg := range algs {
		t.Run(name, func(t *testing.T) {
			a := newAlg()
			assert.Equal(t, math.MaxInt, a.InitialLimit())
			for range 10 {
				assert.Equal(t, math.MaxInt, a.Update(ratelimit.Sample{RTT: time.Millisecond, InFlight: math.MaxInt / 2}),
					"a healthy call keeps the limit at its maximum")
			}
			got := a.Update(ratelimit.Sample{RTT: time.Millisecond, InFlight: 1, Dropped: true})
			assert.Greater(t, got, math.MaxInt/4, "a drop lowers the limit by a factor, not to 1")
			assert.Less(t, got, math.MaxInt)
		})
	}
	t.Run("adaptive", func(t *testing.T) {
		a := ratelimit.NewAdaptive[string, string](algs["aimd"]())
		svc := a.Layer(echo())
		for range 10 {
			_, err := svc.Call(context.Background(), "x")
			require.NoError(t, err)
		}
		assert.Greater(t, a.Limit(), math.MaxInt/2, "the limit does not collapse to 1")
	})
}

func TestAlgorithmsClampNaNAndInf(t *testing.T) {
	steady := ratelimit.Sample{RTT: time.Millisecond, InFlight: 100}
	tests := map[string]struct {
		alg        ratelimit.Algorithm
		wantSteady func(t *testing.T, limit int)
	}{
		"gradient NaN tolerance takes the default": {
			ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: 100, Tolerance: math.NaN()}),
			func(t *testing.T, limit int) {
				assert.GreaterOrEqual(t, limit, 100, "steady latency does not shrink the limit")
			},
		},
		"gradient +Inf tolerance never shrinks on latency": {
			ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: 100, Tolerance: math.Inf(1)}),
			func(t *testing.T, limit int) { assert.GreaterOrEqual(t, limit, 100) },
		},
		"gradient NaN smoothing and -Inf tolerance take the defaults": {
			ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: 100, Smoothing: math.NaN(), Tolerance: math.Inf(-1)}),
			func(t *testing.T, limit int) { assert.GreaterOrEqual(t, limit, 100) },
		},
		"aimd NaN backoff and the least threshold take the defaults": {
			ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 100, Backoff: math.NaN(), Threshold: math.MinInt64}),
			func(t *testing.T, limit int) { assert.GreaterOrEqual(t, limit, 100) },
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var limit int
			for range 50 {
				limit = tt.alg.Update(steady)
			}
			tt.wantSteady(t, limit)
			limit = tt.alg.Update(ratelimit.Sample{RTT: time.Millisecond, InFlight: 100, Dropped: true})
			assert.GreaterOrEqual(t, limit, 1)
			assert.Less(t, limit, 1000, "a drop still lowers the limit")
		})
	}
}

func TestExtremeOptionsAreClamped(t *testing.T) {
	t.Run("max keys and idle timeout of zero or less are the defaults", func(t *testing.T) {
		for _, n := range []int{0, -1, math.MinInt} {
			k := ratelimit.NewKeyed[string, string](byReq, rate.Inf, 0, ratelimit.WithMaxKeys(n), ratelimit.WithIdleTimeout(time.Duration(n)))
			svc := k.Layer(echo())
			keys := []string{"", "a", string(make([]byte, 1<<16))}
			for _, key := range keys {
				_, err := svc.Call(context.Background(), key)
				require.NoError(t, err)
			}
			assert.Equal(t, len(keys), k.Len(), "the default bound, 10,000 keys, holds them all")
			assert.Contains(t, motore.Describe(svc), "max 10000 keys")
		}
	})
	t.Run("concurrency of zero or less is a build error", func(t *testing.T) {
		for _, n := range []int{0, -1, math.MinInt} {
			_, err := motore.Build(echo(), motore.Middleware[string, string](ratelimit.NewConcurrency[string, string](n)))
			var be *motore.BuildError
			require.ErrorAs(t, err, &be)
			assert.ErrorIs(t, err, ratelimit.ErrBadLimit)
		}
	})
	t.Run("a queue of zero or less is no queue", func(t *testing.T) {
		c := ratelimit.NewConcurrency[string, string](1, ratelimit.WithQueue(math.MinInt, math.MinInt64))
		require.ErrorIs(t, c.SetLimit(math.MinInt), ratelimit.ErrBadLimit)
		assert.Equal(t, 1, c.Limit(), "a bad limit at run time leaves the limit as it was")
		b := newBlocker()
		svc := c.Layer(b)
		out := make(chan result, 1)
		callAsync(svc, context.Background(), "held", out)
		assert.Equal(t, "held", b.next(t))
		_, err := svc.Call(context.Background(), "over")
		require.ErrorIs(t, err, ratelimit.ErrLimited, "no queue")
		b.release <- struct{}{}
		require.NoError(t, (<-out).err)
	})
	t.Run("a queued caller whose context already ended leaves at once", func(t *testing.T) {
		c := ratelimit.NewConcurrency[string, string](1, ratelimit.WithQueue(math.MaxInt, 0))
		b := newBlocker()
		svc := c.Layer(b)
		out := make(chan result, 1)
		callAsync(svc, context.Background(), "held", out)
		assert.Equal(t, "held", b.next(t))
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := svc.Call(ctx, "queued")
		require.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, c.Queued())
		b.release <- struct{}{}
		require.NoError(t, (<-out).err)
		assert.Zero(t, c.InFlight())
	})
}
