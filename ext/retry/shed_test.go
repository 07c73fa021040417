package retry_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/motore"
)

func TestShedMaxInFlight(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	inner := motore.ServiceFn(func(context.Context, string) (string, error) {
		entered <- struct{}{}
		<-release
		return "ok", nil
	})
	var d decisions
	svc := build(t, inner, retry.Shed[string, string](retry.WithMaxInFlight(2), retry.WithOnDecision(d.hook)))
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			_, err := svc.Call(context.Background(), "a")
			assert.NoError(t, err)
		})
	}
	<-entered
	<-entered
	_, err := svc.Call(context.Background(), "b")
	assert.Same(t, retry.ErrShed, err)
	assert.Equal(t, []retry.Reason{retry.ReasonShed}, d.reasons())
	close(release)
	wg.Wait()
	_, err = svc.Call(context.Background(), "c")
	assert.NoError(t, err, "the slots came back")
	assert.Len(t, entered, 1)
}

// fullLimiter reports its use as ext/ratelimit's concurrency limiters do.
type fullLimiter struct{ inFlight, limit int }

func (l *fullLimiter) InFlight() int { return l.inFlight }
func (l *fullLimiter) Limit() int    { return l.limit }

func TestShedCapacityAndReady(t *testing.T) {
	lim := &fullLimiter{inFlight: 3, limit: 3}
	ready := true
	inner := &counter{}
	svc := build(t, inner, retry.Shed[string, string](retry.WithCapacity(lim), retry.WithReady(func() bool { return ready })))
	_, err := svc.Call(context.Background(), "a")
	assert.ErrorIs(t, err, retry.ErrShed)
	lim.inFlight = 2
	_, err = svc.Call(context.Background(), "a")
	assert.NoError(t, err)
	ready = false
	_, err = svc.Call(context.Background(), "a")
	assert.ErrorIs(t, err, retry.ErrShed)
	assert.Equal(t, 1, inner.calls())
	assert.Equal(t, "shed(capacity, ready) -> *retry_test.counter", motore.Describe(svc))
}

// A shed says "overloaded, do not retry": the retry layer above returns it
// at once, and an RPC framework reads its code by name.
func TestShedIsNotRetried(t *testing.T) {
	inner := &counter{}
	retryAll := func(_ context.Context, _ string, err error, _ retry.Policy) bool { return err != nil }
	svc := build(t, inner,
		retry.New[string, string](retryAll),
		retry.Shed[string, string](retry.WithReady(func() bool { return false })))
	_, err := svc.Call(context.Background(), "a")
	assert.Same(t, retry.ErrShed, err)
	var c interface{ RPCCode() string }
	require.True(t, errors.As(err, &c))
	assert.Equal(t, "resource_exhausted", c.RPCCode())
	assert.True(t, retry.DoNotRetry(err))
	assert.Zero(t, inner.calls())
}

func TestShedWithoutOptionsLetsEverythingThrough(t *testing.T) {
	inner := &counter{}
	svc := build(t, inner, retry.Shed[string, string]())
	_, err := svc.Call(context.Background(), "a")
	require.NoError(t, err)
	_, err = motore.Build[string, string](nil, retry.Shed[string, string]())
	assert.ErrorIs(t, err, motore.ErrNilService)
}
