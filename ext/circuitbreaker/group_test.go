package circuitbreaker_test

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

// byReq keys each call by its request, standing in for a method name.
func byReq(_ context.Context, req string) string { return req }

// instanceKey is where a load balancer would leave the instance it picked.
type instanceKey struct{}

func withInstance(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, instanceKey{}, addr)
}

func instanceOf(ctx context.Context, _ string) string {
	addr, _ := ctx.Value(instanceKey{}).(string)
	return addr
}

// byName fails requests named "bad" and answers the others.
func byName() motore.Service[string, string] {
	return motore.ServiceFn(func(_ context.Context, req string) (string, error) {
		if req == "bad" {
			return "", errDown
		}
		return req, nil
	})
}

func TestOneKeyTrippingLeavesOthersClosed(t *testing.T) {
	g := circuitbreaker.NewGroup[string, string](byReq, nil,
		circuitbreaker.WithConsecutiveFailures(2),
		circuitbreaker.WithOpenTimeout(time.Hour),
	)
	inner := motoretest.NewRecorder(byName())
	svc := g.Layer(inner)
	for range 2 {
		_, err := svc.Call(context.Background(), "bad")
		require.ErrorIs(t, err, errDown)
	}
	_, err := svc.Call(context.Background(), "bad")
	require.ErrorIs(t, err, circuitbreaker.ErrOpen)
	assert.Equal(t, `circuitbreaker: open (key "bad")`, err.Error())

	for range 5 {
		resp, err := svc.Call(context.Background(), "good")
		require.NoError(t, err)
		assert.Equal(t, "good", resp)
	}
	bad, ok := g.Snapshot("bad")
	require.True(t, ok)
	assert.Equal(t, circuitbreaker.StateOpen, bad.State)
	good, ok := g.Snapshot("good")
	require.True(t, ok)
	assert.Equal(t, circuitbreaker.Snapshot{Key: "good", State: circuitbreaker.StateClosed,
		Counts: circuitbreaker.Counts{Requests: 5, Successes: 5, ConsecutiveSuccesses: 5}}, good)
	assert.Equal(t, 7, inner.Count())
	assert.Equal(t, []circuitbreaker.Snapshot{bad, good}, g.Snapshots())
}

func TestPerInstanceKeyFromContext(t *testing.T) {
	g := circuitbreaker.NewGroup[string, string](instanceOf, nil,
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(time.Hour),
	)
	svc := g.Layer(motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
		if instanceOf(ctx, req) == "10.0.0.2:8888" {
			return "", errDown
		}
		return "ok", nil
	}))
	_, err := svc.Call(withInstance(context.Background(), "10.0.0.2:8888"), "x")
	require.ErrorIs(t, err, errDown)
	_, err = svc.Call(withInstance(context.Background(), "10.0.0.2:8888"), "x")
	require.ErrorIs(t, err, circuitbreaker.ErrOpen)
	assert.Contains(t, err.Error(), "10.0.0.2:8888")
	_, err = svc.Call(withInstance(context.Background(), "10.0.0.1:8888"), "x")
	require.NoError(t, err)

	// The empty key (no instance known) is a key like any other.
	_, err = svc.Call(context.Background(), "x")
	require.NoError(t, err)
	_, ok := g.Snapshot("")
	assert.True(t, ok)
	assert.Equal(t, 3, g.Len())
}

func TestRemoveForgetsAKey(t *testing.T) {
	g := circuitbreaker.NewGroup[string, string](byReq, nil, circuitbreaker.WithConsecutiveFailures(1), circuitbreaker.WithOpenTimeout(time.Hour))
	inner := motoretest.NewRecorder(byName())
	svc := g.Layer(inner)
	_, _ = svc.Call(context.Background(), "bad")
	_, _ = svc.Call(context.Background(), "good")
	require.Equal(t, 2, g.Len())
	_, err := svc.Call(context.Background(), "bad")
	require.ErrorIs(t, err, circuitbreaker.ErrOpen)

	assert.True(t, g.Remove("bad"), "the instance left")
	assert.False(t, g.Remove("bad"))
	assert.False(t, g.Remove("never seen"))
	assert.Equal(t, 1, g.Len())
	snap, ok := g.Snapshot("bad")
	assert.False(t, ok)
	assert.Equal(t, circuitbreaker.Snapshot{Key: "bad"}, snap)

	// It came back: a fresh, closed breaker.
	_, err = svc.Call(context.Background(), "bad")
	require.ErrorIs(t, err, errDown)
	assert.Equal(t, 3, inner.Count())
}

func TestKeySetIsBounded(t *testing.T) {
	g := circuitbreaker.NewGroup[string, string](byReq, nil, circuitbreaker.WithMaxKeys(3), circuitbreaker.WithoutIdleTimeout())
	svc := g.Layer(byName())
	for i := range 50 {
		key := fmt.Sprint("k", i)
		_, err := svc.Call(context.Background(), key)
		require.NoError(t, err)
		require.LessOrEqual(t, g.Len(), 3)
		_, ok := g.Snapshot(key)
		require.True(t, ok, "the newest key is always kept")
	}
	assert.Len(t, g.Snapshots(), 3)
}

func TestEvictionKeepsOpenBreakers(t *testing.T) {
	g := circuitbreaker.NewGroup[string, string](byReq, nil,
		circuitbreaker.WithMaxKeys(2),
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(time.Hour),
	)
	svc := g.Layer(byName())
	_, _ = svc.Call(context.Background(), "bad")
	for i := range 10 {
		_, err := svc.Call(context.Background(), fmt.Sprint("k", i))
		require.NoError(t, err)
		bad, ok := g.Snapshot("bad")
		require.True(t, ok, "a full group evicts a closed breaker before an open one")
		require.Equal(t, circuitbreaker.StateOpen, bad.State)
	}
	assert.Equal(t, 2, g.Len())
}

func TestEvictionWhenEveryKeyIsOpen(t *testing.T) {
	g := circuitbreaker.NewGroup[string, string](byReq, nil,
		circuitbreaker.WithMaxKeys(2),
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(time.Hour),
	)
	svc := g.Layer(motoretest.NewScripted[string](motoretest.Fail[string](errDown)).RepeatLast())
	for _, key := range []string{"a", "b", "c"} {
		_, err := svc.Call(context.Background(), key)
		require.ErrorIs(t, err, errDown)
	}
	assert.Equal(t, 2, g.Len())
	_, ok := g.Snapshot("c")
	assert.True(t, ok)
}

func TestIdleKeysExpire(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const idle = 20 * time.Millisecond
		g := circuitbreaker.NewGroup[string, string](byReq, nil, circuitbreaker.WithIdleTimeout(idle))
		svc := g.Layer(byName())
		call := func(key string) {
			t.Helper()
			_, err := svc.Call(context.Background(), key)
			require.NoError(t, err)
		}
		call("idle")
		call("busy")
		// A key is dropped once it has gone unused for a whole sweep period;
		// sweeps run when a key is added, at most once per idle timeout.
		for i := range 3 {
			time.Sleep(idle + idle/2)
			call("busy")
			call(fmt.Sprint("new", i))
		}
		_, ok := g.Snapshot("idle")
		assert.False(t, ok, "unused for three idle periods")
		_, ok = g.Snapshot("busy")
		assert.True(t, ok, "used in every period")
		_, ok = g.Snapshot("new2")
		assert.True(t, ok, "just added")
		assert.Equal(t, len(g.Snapshots()), g.Len())
	})
}

func TestSnapshotDoesNotKeepAKeyAlive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const idle = 20 * time.Millisecond
		g := circuitbreaker.NewGroup[string, string](byReq, nil, circuitbreaker.WithIdleTimeout(idle))
		svc := g.Layer(byName())
		_, _ = svc.Call(context.Background(), "watched")
		for i := range 3 {
			time.Sleep(idle + idle/2)
			_, _ = g.Snapshot("watched")
			_, _ = svc.Call(context.Background(), fmt.Sprint("new", i))
		}
		_, ok := g.Snapshot("watched")
		assert.False(t, ok)
	})
}

func TestGroupHalfOpenProbesPerKey(t *testing.T) {
	g := circuitbreaker.NewGroup[string, string](byReq, nil,
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(openTimeout),
		circuitbreaker.WithHalfOpenProbes(2),
	)
	echo := motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil })
	sw := &switchable{down: true, next: echo}
	inner := motoretest.NewRecorder[string, string](sw)
	svc := g.Layer(inner)
	snap := func() circuitbreaker.Snapshot { s, _ := g.Snapshot("bad"); return s }
	tripAndWait(t, snap, svc)
	sw.set(false)

	_, err := svc.Call(context.Background(), "other")
	require.NoError(t, err, "other keys never stopped")
	for i := range 2 {
		_, err := svc.Call(context.Background(), "bad")
		require.NoError(t, err, "probe %d", i+1)
		want := circuitbreaker.StateHalfOpen
		if i == 1 {
			want = circuitbreaker.StateClosed
		}
		assert.Equal(t, want, snap().State, "after probe %d", i+1)
	}
	assert.Equal(t, []string{"bad", "other", "bad", "bad"}, inner.Requests())
}
