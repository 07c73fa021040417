package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

// phases of the slow-service script: fast calls, then slow ones, then fast
// again for good.
const (
	fastCalls    = 300
	slowCalls    = 100
	recoverCalls = 600
	fastLatency  = time.Millisecond
	slowLatency  = 25 * time.Millisecond
)

// limitsThroughPhases drives an adaptive limiter with 16 callers against a
// scripted service that turns slow and recovers, and returns the limit read
// at the end of each phase.
func limitsThroughPhases(t *testing.T, alg ratelimit.Algorithm) (fast, slow, recovered int) {
	t.Helper()
	steps := make([]motoretest.Step[int], 0, fastCalls+slowCalls+1)
	for range fastCalls {
		steps = append(steps, motoretest.Return(0).After(fastLatency))
	}
	for range slowCalls {
		steps = append(steps, motoretest.Return(0).After(slowLatency))
	}
	steps = append(steps, motoretest.Return(0).After(fastLatency))
	script := motoretest.NewScripted[int](steps...).RepeatLast()
	lim := ratelimit.NewAdaptive[int, int](alg)
	svc := lim.Layer(script)

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				_, err := svc.Call(ctx, 0)
				if errors.Is(err, ratelimit.ErrLimited) {
					time.Sleep(200 * time.Microsecond)
				}
			}
		}()
	}
	defer func() {
		stop()
		wg.Wait()
	}()

	limitAfter := func(calls int) int {
		require.Eventually(t, func() bool { return script.Calls() >= calls }, 30*time.Second, time.Millisecond)
		return lim.Limit()
	}
	fast = limitAfter(fastCalls)
	slow = limitAfter(fastCalls + slowCalls)
	recovered = limitAfter(fastCalls + slowCalls + recoverCalls)
	t.Logf("limit after fast phase %d, slow phase %d, recovery %d", fast, slow, recovered)
	return fast, slow, recovered
}

func TestAdaptiveFollowsLatency(t *testing.T) {
	tests := map[string]func() ratelimit.Algorithm{
		"aimd": func() ratelimit.Algorithm {
			return ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 10, MaxLimit: 200, Threshold: 10 * time.Millisecond})
		},
		"gradient": func() ratelimit.Algorithm {
			return ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: 10, MaxLimit: 200})
		},
	}
	for name, alg := range tests {
		t.Run(name, func(t *testing.T) {
			fast, slow, recovered := limitsThroughPhases(t, alg())
			assert.Less(t, slow, fast, "the limit goes down when the service slows down")
			assert.Greater(t, recovered, slow, "the limit goes up when the service recovers")
		})
	}
}

func TestAdaptiveDropsLowerTheLimit(t *testing.T) {
	errOther := errors.New("bad request")
	script := motoretest.NewScripted[string](
		motoretest.Fail[string](context.DeadlineExceeded),
		motoretest.Fail[string](ratelimit.ErrLimited),
		motoretest.Fail[string](context.Canceled),
		motoretest.Fail[string](errOther),
	)
	lim := ratelimit.NewAdaptive[string, string](ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 100}))
	svc := lim.Layer(script)
	var limits []int
	for range 4 {
		_, _ = svc.Call(context.Background(), "")
		limits = append(limits, lim.Limit())
	}
	// Timeout: 100*0.9; downstream rejection: *0.9 again; cancellation is
	// ignored; an ordinary error is a success that the idle callers do not
	// let grow the limit.
	assert.Equal(t, []int{90, 81, 81, 81}, limits)
}

func TestAdaptiveClassifier(t *testing.T) {
	script := motoretest.NewScripted[string](motoretest.Fail[string](context.DeadlineExceeded)).RepeatLast()
	lim := ratelimit.NewAdaptive[string, string](
		ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 50}),
		ratelimit.WithClassifier(func(error) ratelimit.Outcome { return ratelimit.Ignore }))
	svc := lim.Layer(script)
	for range 10 {
		_, _ = svc.Call(context.Background(), "")
	}
	assert.Equal(t, 50, lim.Limit())
	assert.Equal(t, ratelimit.Success, ratelimit.DefaultClassifier(nil))
	assert.Equal(t, ratelimit.Drop, ratelimit.DefaultClassifier(motore.ErrTimeout))
	assert.Equal(t, ratelimit.Ignore, ratelimit.DefaultClassifier(context.Canceled))
}

func TestAdaptiveNeverExceedsItsLimit(t *testing.T) {
	slow := motoretest.NewScripted[int](motoretest.Return(0).After(2 * time.Millisecond)).RepeatLast()
	rec := motoretest.NewRecorder[int, int](slow)
	lim := ratelimit.NewAdaptive[int, int](ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 4, MaxLimit: 4}),
		ratelimit.WithQueue(100, 0))
	svc := lim.Layer(rec)
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := svc.Call(context.Background(), i)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, rec.MaxInFlight(), 4)
	assert.Equal(t, 100, rec.Count())
	assert.Zero(t, lim.InFlight())
}

func TestAdaptiveRejectsWithHint(t *testing.T) {
	b := newBlocker()
	lim := ratelimit.NewAdaptive[string, string](ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: 1, MaxLimit: 1}))
	svc := lim.Layer(b)
	out := make(chan result, 2)
	callAsync(svc, context.Background(), "first", out)
	b.next(t)
	b.release <- struct{}{}
	require.NoError(t, (<-out).err)

	callAsync(svc, context.Background(), "holder", out)
	b.next(t)
	_, err := svc.Call(context.Background(), "rejected")
	require.ErrorIs(t, err, ratelimit.ErrLimited)
	var le *ratelimit.LimitedError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "adaptive concurrency", le.Limiter)
	assert.Positive(t, le.RetryAfter)
	close(b.release)
	require.NoError(t, (<-out).err)
}

func TestAdaptivePanicFreesSlot(t *testing.T) {
	lim := ratelimit.NewAdaptive[string, string](ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 1}))
	svc := lim.Layer(motoretest.NewScripted[string](motoretest.Step[string]{Panic: "boom"}, motoretest.Return("ok")))
	assert.Panics(t, func() { _, _ = svc.Call(context.Background(), "") })
	assert.Zero(t, lim.InFlight())
	assert.Equal(t, 1, lim.Limit())
	resp, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "ok", resp)
}

func TestAdaptiveBuildAndDescribe(t *testing.T) {
	_, err := motore.Apply(ratelimit.NewAdaptive[string, string](nil), nil)
	assert.ErrorIs(t, err, motore.ErrNilService)
	svc, err := motore.Build(echo(),
		ratelimit.NewAdaptive[string, string](nil),
		ratelimit.NewAdaptive[string, string](ratelimit.AIMD(ratelimit.AIMDConfig{}), ratelimit.WithQueue(10, 0)))
	require.NoError(t, err)
	assert.Equal(t, []string{
		"adaptive concurrency(gradient, limit 20)",
		"adaptive concurrency(aimd, limit 20, queue 10)",
	}, motore.Layers(svc)[:2])
}

func TestAdaptiveAdmittedPathAllocatesNothing(t *testing.T) {
	svc := ratelimit.NewAdaptive[string, string](nil).Layer(echo())
	ctx := context.Background()
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = svc.Call(ctx, "x") }))
}

func TestAlgorithmsClampConfig(t *testing.T) {
	a := ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: -3, MinLimit: 5, MaxLimit: 2, Backoff: 7, Threshold: -time.Second})
	assert.Equal(t, 5, a.InitialLimit(), "max is raised to min, and the initial limit (-3: the default, 20) moved into range")
	assert.Equal(t, 5, a.Update(ratelimit.Sample{RTT: time.Second, InFlight: 1, Dropped: true}))

	g := ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: 5000, Tolerance: -1, Smoothing: 9, ShortWindow: -1, LongWindow: -1})
	assert.Equal(t, 1000, g.InitialLimit())
	for range 100 {
		assert.GreaterOrEqual(t, g.Update(ratelimit.Sample{RTT: time.Millisecond, InFlight: 1000}), 1)
	}
}
