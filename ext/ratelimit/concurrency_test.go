package ratelimit_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

// blocker is an inner service whose calls wait until released, so a test
// decides when slots free up.
type blocker struct {
	started chan string
	release chan struct{}
}

func newBlocker() *blocker {
	return &blocker{started: make(chan string, 100), release: make(chan struct{})}
}

func (b *blocker) Call(ctx context.Context, req string) (string, error) {
	b.started <- req
	select {
	case <-b.release:
		return req, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (b *blocker) next(t *testing.T) string {
	t.Helper()
	select {
	case req := <-b.started:
		return req
	case <-time.After(5 * time.Second):
		t.Fatal("no call reached the inner service")
		return ""
	}
}

type result struct {
	req string
	err error
}

func callAsync(svc motore.Service[string, string], ctx context.Context, req string, out chan<- result) {
	go func() {
		_, err := svc.Call(ctx, req)
		out <- result{req, err}
	}()
}

func TestConcurrencyNeverExceedsLimitUnder200Callers(t *testing.T) {
	const n, callers = 8, 200
	for name, opts := range map[string][]ratelimit.ConcurrencyOption{
		"reject": nil,
		"queue":  {ratelimit.WithQueue(callers, 0)},
	} {
		t.Run(name, func(t *testing.T) {
			slow := motoretest.NewScripted[int](motoretest.Return(0).After(time.Millisecond)).RepeatLast()
			rec := motoretest.NewRecorder[int, int](slow)
			lim := ratelimit.NewConcurrency[int, int](n, opts...)
			svc := lim.Layer(rec)
			var admitted, rejected atomic.Int64
			var wg sync.WaitGroup
			for i := range callers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range 5 {
						_, err := svc.Call(context.Background(), i)
						switch {
						case err == nil:
							admitted.Add(1)
						case errors.Is(err, ratelimit.ErrLimited):
							rejected.Add(1)
						default:
							t.Errorf("unexpected error: %v", err)
						}
					}
				}()
			}
			wg.Wait()
			assert.LessOrEqual(t, rec.MaxInFlight(), n)
			assert.Positive(t, rec.MaxInFlight())
			assert.Equal(t, int64(callers*5), admitted.Load()+rejected.Load())
			assert.Equal(t, int(admitted.Load()), rec.Count())
			assert.Zero(t, lim.InFlight())
			assert.Zero(t, lim.Queued())
			if name == "queue" {
				assert.Zero(t, rejected.Load(), "the queue holds every caller")
			}
		})
	}
}

func TestConcurrencyRejectsAtOnceWithHint(t *testing.T) {
	var hooked []ratelimit.LimitedError
	b := newBlocker()
	lim := ratelimit.NewConcurrency[string, string](1, ratelimit.WithOnReject(func(_ context.Context, e ratelimit.LimitedError) {
		hooked = append(hooked, e)
	}))
	svc := lim.Layer(b)

	// One finished call teaches the limiter how long calls take.
	done := make(chan result, 2)
	callAsync(svc, context.Background(), "first", done)
	b.next(t)
	b.release <- struct{}{}
	require.NoError(t, (<-done).err)

	callAsync(svc, context.Background(), "holder", done)
	b.next(t)
	_, err := svc.Call(context.Background(), "rejected")
	require.ErrorIs(t, err, ratelimit.ErrLimited)
	var le *ratelimit.LimitedError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "concurrency", le.Limiter)
	_, ok := ratelimit.RetryAfter(err)
	assert.True(t, ok, "the hint comes from the latency of the first call")
	require.Len(t, hooked, 1)
	assert.Equal(t, *le, hooked[0])

	close(b.release)
	require.NoError(t, (<-done).err)
}

func TestConcurrencyQueuedCallerLeavesOnContextEnd(t *testing.T) {
	b := newBlocker()
	lim := ratelimit.NewConcurrency[string, string](1, ratelimit.WithQueue(10, 0))
	svc := lim.Layer(b)
	out := make(chan result, 10)

	callAsync(svc, context.Background(), "holder", out)
	require.Equal(t, "holder", b.next(t))

	ctx, cancel := context.WithCancel(context.Background())
	callAsync(svc, context.Background(), "q1", out)
	require.Eventually(t, func() bool { return lim.Queued() == 1 }, 5*time.Second, time.Millisecond)
	callAsync(svc, ctx, "q2", out)
	require.Eventually(t, func() bool { return lim.Queued() == 2 }, 5*time.Second, time.Millisecond)
	callAsync(svc, context.Background(), "q3", out)
	require.Eventually(t, func() bool { return lim.Queued() == 3 }, 5*time.Second, time.Millisecond)

	cancel()
	r := <-out
	assert.Equal(t, "q2", r.req)
	assert.ErrorIs(t, r.err, context.Canceled)
	assert.NotErrorIs(t, r.err, ratelimit.ErrLimited)
	assert.Equal(t, 2, lim.Queued(), "the cancelled caller left the queue")

	// The others are served in arrival order, skipping the one that left.
	b.release <- struct{}{}
	assert.Equal(t, "q1", b.next(t))
	b.release <- struct{}{}
	assert.Equal(t, "q3", b.next(t))
	close(b.release)
	for range 3 {
		assert.NoError(t, (<-out).err)
	}
	assert.Zero(t, lim.InFlight())
}

func TestConcurrencyQueueBounds(t *testing.T) {
	b := newBlocker()
	lim := ratelimit.NewConcurrency[string, string](1, ratelimit.WithQueue(1, 20*time.Millisecond))
	svc := lim.Layer(b)
	out := make(chan result, 10)
	callAsync(svc, context.Background(), "holder", out)
	b.next(t)

	callAsync(svc, context.Background(), "queued", out)
	require.Eventually(t, func() bool { return lim.Queued() == 1 }, 5*time.Second, time.Millisecond)
	_, err := svc.Call(context.Background(), "overflow")
	require.ErrorIs(t, err, ratelimit.ErrLimited, "the queue is full")

	r := <-out
	assert.Equal(t, "queued", r.req)
	assert.ErrorIs(t, r.err, ratelimit.ErrLimited, "waited longer than the queue allows")
	assert.Zero(t, lim.Queued())

	close(b.release)
	assert.NoError(t, (<-out).err)
}

func TestConcurrencyLIFO(t *testing.T) {
	b := newBlocker()
	lim := ratelimit.NewConcurrency[string, string](1, ratelimit.WithQueue(10, 0), ratelimit.WithLIFO())
	svc := lim.Layer(b)
	out := make(chan result, 10)
	callAsync(svc, context.Background(), "holder", out)
	b.next(t)
	for i, req := range []string{"old", "new"} {
		callAsync(svc, context.Background(), req, out)
		require.Eventually(t, func() bool { return lim.Queued() == i+1 }, 5*time.Second, time.Millisecond)
	}
	b.release <- struct{}{}
	assert.Equal(t, "new", b.next(t))
	close(b.release)
	assert.Equal(t, "old", b.next(t))
	for range 3 {
		assert.NoError(t, (<-out).err)
	}
}

func TestConcurrencySetLimitAdmitsQueued(t *testing.T) {
	b := newBlocker()
	lim := ratelimit.NewConcurrency[string, string](1, ratelimit.WithQueue(10, 0))
	svc := lim.Layer(b)
	out := make(chan result, 10)
	callAsync(svc, context.Background(), "holder", out)
	b.next(t)
	callAsync(svc, context.Background(), "queued", out)
	require.Eventually(t, func() bool { return lim.Queued() == 1 }, 5*time.Second, time.Millisecond)

	require.NoError(t, lim.SetLimit(2))
	assert.Equal(t, 2, lim.Limit())
	assert.Equal(t, "queued", b.next(t))
	assert.Equal(t, 2, lim.InFlight())
	close(b.release)
	for range 2 {
		assert.NoError(t, (<-out).err)
	}
	for _, n := range []int{0, -5} {
		require.ErrorIs(t, lim.SetLimit(n), ratelimit.ErrBadLimit)
		assert.Equal(t, 2, lim.Limit(), "a bad limit leaves the limit as it was")
	}
}

func TestConcurrencyPanicFreesSlot(t *testing.T) {
	lim := ratelimit.NewConcurrency[string, string](1)
	svc := lim.Layer(motoretest.NewScripted[string](motoretest.Step[string]{Panic: "boom"}, motoretest.Return("ok")))
	assert.Panics(t, func() { _, _ = svc.Call(context.Background(), "") })
	assert.Zero(t, lim.InFlight())
	resp, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "ok", resp)
}

func TestConcurrencyBuildAndDescribe(t *testing.T) {
	_, err := motore.Apply(ratelimit.NewConcurrency[string, string](4), nil)
	assert.ErrorIs(t, err, motore.ErrNilService)
	svc, err := motore.Build(echo(),
		ratelimit.NewConcurrency[string, string](64),
		ratelimit.NewConcurrency[string, string](2, ratelimit.WithQueue(128, 50*time.Millisecond), ratelimit.WithLIFO()))
	require.NoError(t, err)
	assert.Equal(t, []string{"concurrency(64)", "concurrency(2, queue 128 up to 50ms, lifo)"}, motore.Layers(svc)[:2])
}

func TestConcurrencyAdmittedPathAllocatesNothing(t *testing.T) {
	svc := ratelimit.NewConcurrency[string, string](4).Layer(echo())
	ctx := context.Background()
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = svc.Call(ctx, "x") }))
}
