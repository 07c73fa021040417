package ratelimit_test

import (
	"context"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
)

// byReq keys each call by its request.
func byReq(_ context.Context, req string) string { return req }

func TestKeyedLimitsEachKeyAlone(t *testing.T) {
	var keys []string
	k := ratelimit.NewKeyed[string, string](byReq, rate.Every(time.Hour), 2, ratelimit.WithOnReject(func(_ context.Context, e ratelimit.LimitedError) {
		keys = append(keys, e.Key)
	}))
	svc := k.Layer(echo())
	for _, tenant := range []string{"alice", "bob"} {
		for range 2 {
			_, err := svc.Call(context.Background(), tenant)
			require.NoError(t, err)
		}
		_, err := svc.Call(context.Background(), tenant)
		require.ErrorIs(t, err, ratelimit.ErrLimited)
		var le *ratelimit.LimitedError
		require.ErrorAs(t, err, &le)
		assert.Equal(t, tenant, le.Key)
		assert.Equal(t, "keyed rate", le.Limiter)
		d, ok := ratelimit.RetryAfter(err)
		assert.True(t, ok)
		assert.Greater(t, d, 50*time.Minute)
	}
	assert.Equal(t, []string{"alice", "bob"}, keys)
	assert.Equal(t, 2, k.Len())
}

// A stream of a million fresh keys, as an attacker would send, never holds
// more keys than the configured maximum.
func TestKeyedMillionKeysStayBounded(t *testing.T) {
	const maxKeys = 1000
	k := ratelimit.NewKeyed[string, string](byReq, 10, 1, ratelimit.WithMaxKeys(maxKeys))
	svc := k.Layer(echo())
	ctx := context.Background()
	for i := range 1_000_000 {
		_, err := svc.Call(ctx, strconv.Itoa(i))
		require.NoError(t, err, "every fresh key starts with a full bucket")
		if i%50_000 == 0 {
			require.LessOrEqual(t, k.Len(), maxKeys)
		}
	}
	assert.Equal(t, maxKeys, k.Len())
	// The most recent keys are the ones held: they are still limited.
	_, err := svc.Call(ctx, "999999")
	assert.ErrorIs(t, err, ratelimit.ErrLimited)
}

func TestKeyedEvictsLeastRecentlyUsed(t *testing.T) {
	k := ratelimit.NewKeyed[string, string](byReq, rate.Every(time.Hour), 1, ratelimit.WithMaxKeys(2))
	svc := k.Layer(echo())
	call := func(key string) error {
		_, err := svc.Call(context.Background(), key)
		return err
	}
	require.NoError(t, call("a"))
	require.NoError(t, call("b"))
	require.ErrorIs(t, call("a"), ratelimit.ErrLimited) // a is now the most recent
	require.NoError(t, call("c"))                       // evicts b, the least recent
	assert.Equal(t, 2, k.Len())
	require.ErrorIs(t, call("a"), ratelimit.ErrLimited, "a was kept")
	require.NoError(t, call("b"), "b was forgotten and starts afresh")
}

func TestKeyedForgetsIdleKeys(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := ratelimit.NewKeyed[string, string](byReq, 1e6, 1, ratelimit.WithIdleTimeout(10*time.Millisecond))
		svc := k.Layer(echo())
		for _, key := range []string{"a", "b", "c"} {
			_, err := svc.Call(context.Background(), key)
			require.NoError(t, err)
		}
		time.Sleep(11 * time.Millisecond)
		_, err := svc.Call(context.Background(), "d")
		require.NoError(t, err)
		assert.Equal(t, 1, k.Len(), "a, b and c were idle for longer than 10ms, and went at the next call")
	})
}

// An idle timeout shorter than the time a bucket takes to refill would hand
// a forgotten key fresh tokens; the key is kept until it has earned them.
func TestKeyedIdleTimeoutNeverBeatsRefill(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		k := ratelimit.NewKeyed[string, string](byReq, rate.Every(time.Hour), 1, ratelimit.WithIdleTimeout(time.Millisecond))
		svc := k.Layer(echo())
		_, err := svc.Call(context.Background(), "a")
		require.NoError(t, err)
		time.Sleep(time.Minute)
		_, err = svc.Call(context.Background(), "a")
		assert.ErrorIs(t, err, ratelimit.ErrLimited)
		assert.Equal(t, 1, k.Len())
	})
}

func TestKeyedSetLimitAndBurst(t *testing.T) {
	k := ratelimit.NewKeyed[string, string](byReq, rate.Every(time.Hour), 1)
	svc := k.Layer(echo())
	_, err := svc.Call(context.Background(), "a")
	require.NoError(t, err)
	_, err = svc.Call(context.Background(), "a")
	require.ErrorIs(t, err, ratelimit.ErrLimited)

	k.SetLimit(rate.Inf)
	assert.Equal(t, rate.Inf, k.Limit())
	_, err = svc.Call(context.Background(), "a")
	assert.NoError(t, err, "held keys follow the new limit")

	k.SetLimit(rate.Every(time.Hour))
	k.SetBurst(3)
	assert.Equal(t, 3, k.Burst())
	for range 3 {
		_, err = svc.Call(context.Background(), "fresh")
		require.NoError(t, err, "new keys get the new burst")
	}
	_, err = svc.Call(context.Background(), "fresh")
	assert.ErrorIs(t, err, ratelimit.ErrLimited)
}

func TestKeyedWait(t *testing.T) {
	k := ratelimit.NewKeyed[string, string](byReq, rate.Every(10*time.Millisecond), 1, ratelimit.WithWait(time.Second))
	svc := k.Layer(echo())
	for range 3 {
		_, err := svc.Call(context.Background(), "a")
		require.NoError(t, err)
	}
}

func TestKeyedBuildAndDescribe(t *testing.T) {
	_, err := motore.Build(echo(), ratelimit.NewKeyed[string, string](nil, 1, 1))
	assert.ErrorIs(t, err, motore.ErrNilFunc)
	_, err = motore.Apply(ratelimit.NewKeyed[string, string](byReq, 1, 1), nil)
	assert.ErrorIs(t, err, motore.ErrNilService)

	svc, err := motore.Build(echo(), ratelimit.NewKeyed[string, string](byReq, 100, 10, ratelimit.WithMaxKeys(500)))
	require.NoError(t, err)
	assert.Equal(t, "ratelimit per key(100/s, burst 10, max 500 keys)", motore.Layers(svc)[0])
}

func TestKeyedHeldKeyAllocatesNothing(t *testing.T) {
	svc := ratelimit.NewKeyed[string, string](byReq, rate.Limit(1e12), 1<<30).Layer(echo())
	ctx := context.Background()
	_, _ = svc.Call(ctx, "tenant")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = svc.Call(ctx, "tenant") }))
}
