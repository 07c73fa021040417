package discovery_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
)

// A retry layer above LoadBalance calls it once per attempt; under
// WithTried each attempt goes to an instance the call has not tried, for
// every policy, consistent hashing (which would pick one instance for the
// key every time) included.
func TestWithTriedSpreadsAttemptsOverInstances(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			ins := instances(3)
			b, _ := newBalancer(t, ins, discovery.WithPolicy(p), discovery.WithoutRetries(), discovery.WithoutOutlierDetection())
			svc := discovery.LoadBalance[string, string](b, func(_ context.Context, req string) string { return req }).Layer(&byInstance{})
			for i := range 10 {
				ctx := discovery.WithTried(context.Background())
				seen := map[string]bool{}
				for range 3 {
					got, err := svc.Call(ctx, fmt.Sprint("key-", i))
					require.NoError(t, err)
					seen[got] = true
				}
				assert.Len(t, seen, 3, "three attempts, three instances")
				// All tried: the next attempt still gets one.
				_, err := svc.Call(ctx, fmt.Sprint("key-", i))
				require.NoError(t, err)
				assert.Len(t, discovery.TriedInstances(ctx), 3)
			}
		})
	}
}

func TestWithTriedRecordsLoadBalanceRetries(t *testing.T) {
	ins := instances(3)
	inner := &byInstance{}
	inner.fail(ins[0].Addr, discovery.ErrConnection)
	b, _ := newBalancer(t, ins, discovery.WithRetries(1), discovery.WithoutOutlierDetection())
	svc := discovery.LoadBalance[string, string](b, nil).Layer(inner)
	ctx := discovery.WithTried(context.Background())
	got, err := svc.Call(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, ins[1].Addr, got, "the layer's own retry")
	got, err = svc.Call(ctx, "")
	require.NoError(t, err)
	assert.Equal(t, ins[2].Addr, got, "the next attempt avoids both")
	assert.Equal(t, ins, discovery.TriedInstances(ctx))
	assert.Nil(t, discovery.TriedInstances(context.Background()))
}

// Hedges share the context and run at once.
func TestWithTriedConcurrentAttempts(t *testing.T) {
	b, _ := newBalancer(t, instances(8))
	svc := discovery.LoadBalance[string, string](b, nil).Layer(&byInstance{})
	ctx := discovery.WithTried(context.Background())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			_, err := svc.Call(ctx, "")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.NotEmpty(t, discovery.TriedInstances(ctx))
	assert.LessOrEqual(t, len(discovery.TriedInstances(ctx)), 8)
}

func TestWithTriedKeepsTheContext(t *testing.T) {
	type key struct{}
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	ctx := discovery.WithTried(parent)
	assert.Equal(t, "v", ctx.Value(key{}))
	cancel()
	<-ctx.Done()
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.Equal(t, 1.0, testing.AllocsPerRun(100, func() { sink = discovery.WithTried(parent) }))
}

var sink context.Context

// A retry layer that imports nothing of this package knows a
// connection-level failure by its NotSent method.
func TestErrConnectionSaysNotSent(t *testing.T) {
	var ns interface{ NotSent() bool }
	require.True(t, errors.As(fmt.Errorf("dial: %w", discovery.ErrConnection), &ns))
	assert.True(t, ns.NotSent())
	assert.False(t, errors.As(discovery.ErrNoInstance, &ns))
	var c interface{ RPCCode() string }
	require.True(t, errors.As(discovery.ErrConnection, &c))
	assert.Equal(t, "unavailable", c.RPCCode())
	assert.Equal(t, "discovery: connection failed", discovery.ErrConnection.Error())
}

func ExampleWithTried() {
	b, _ := discovery.NewBalancer(context.Background(), discovery.NewStatic(
		discovery.Instance{Addr: "10.0.0.1:80"}, discovery.Instance{Addr: "10.0.0.2:80"}),
		"svc", discovery.WithPolicy(discovery.ConsistentHash(0)))
	defer b.Close()
	addr := motore.ServiceFn(func(ctx context.Context, _ string) (string, error) {
		in, _ := discovery.InstanceFromContext(ctx)
		return in.Addr, nil
	})
	key := func(_ context.Context, req string) string { return req }
	svc, _ := motore.Build(addr, discovery.LoadBalance[string, string](b, key))

	// Two attempts of one call, as a retry layer above makes them: the
	// second avoids the instance of the first, though the key is the same.
	ctx := discovery.WithTried(context.Background())
	first, _ := svc.Call(ctx, "user-42")
	second, _ := svc.Call(ctx, "user-42")
	fmt.Println(first != second, len(discovery.TriedInstances(ctx)))
	// Output: true 2
}
