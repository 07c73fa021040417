package discovery_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

// byInstance is a service that answers with the picked address, or with the
// error assigned to that address.
type byInstance struct {
	mu   sync.Mutex
	errs map[string]error
}

func (s *byInstance) Call(ctx context.Context, _ string) (string, error) {
	in, ok := discovery.InstanceFromContext(ctx)
	if !ok {
		return "", errors.New("no instance in context")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return in.Addr, s.errs[in.Addr]
}

func (s *byInstance) fail(addr string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.errs == nil {
		s.errs = make(map[string]error)
	}
	s.errs[addr] = err
}

func dialErr() error {
	return &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
}

func TestLoadBalancePutsInstanceInContext(t *testing.T) {
	ins := instances(3)
	b, _ := newBalancer(t, ins)
	rec := motoretest.NewRecorder[string, string](&byInstance{})
	svc, err := motore.Build[string, string](rec, discovery.LoadBalance[string, string](b, nil))
	require.NoError(t, err)
	for i := range 6 {
		got, err := svc.Call(context.Background(), "req")
		require.NoError(t, err)
		assert.Equal(t, ins[i%3].Addr, got)
	}
	assert.Equal(t, 6, rec.Count())
	_, ok := discovery.InstanceFromContext(context.Background())
	assert.False(t, ok)
	assert.Equal(t, `loadbalance(round_robin over "svc", retries 1) -> recorder`, motore.Describe(svc))
}

func TestLoadBalanceRetriesConnectionErrorsElsewhere(t *testing.T) {
	ins := instances(3)
	inner := &byInstance{}
	inner.fail(ins[0].Addr, dialErr())
	inner.fail(ins[1].Addr, discovery.ErrConnection)
	b, _ := newBalancer(t, ins, discovery.WithRetries(2), discovery.WithoutOutlierDetection())
	rec := motoretest.NewRecorder[string, string](inner)
	svc := discovery.LoadBalance[string, string](b, nil).Layer(rec)

	got, err := svc.Call(context.Background(), "req")
	require.NoError(t, err)
	assert.Equal(t, ins[2].Addr, got)
	assert.Equal(t, 3, rec.Count(), "two connection failures, then success")

	// With one retry the call gives up after the second connection failure
	// and returns that failure.
	b1, _ := newBalancer(t, ins, discovery.WithRetries(1), discovery.WithoutOutlierDetection())
	_, err = discovery.LoadBalance[string, string](b1, nil).Layer(inner).Call(context.Background(), "req")
	assert.ErrorIs(t, err, discovery.ErrConnection)
}

func TestLoadBalanceDoesNotRetryOtherErrors(t *testing.T) {
	errApp := errors.New("application error")
	b, _ := newBalancer(t, instances(3), discovery.WithRetries(3))
	rec := motoretest.NewRecorder[string, string](motoretest.NewScripted[string](motoretest.Fail[string](errApp)).RepeatLast())
	_, err := discovery.LoadBalance[string, string](b, nil).Layer(rec).Call(context.Background(), "req")
	assert.ErrorIs(t, err, errApp)
	assert.Equal(t, 1, rec.Count())
}

func TestLoadBalanceNeverRetriesTheSameInstance(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			ins := instances(5)
			inner := &byInstance{}
			for _, in := range ins[:4] {
				inner.fail(in.Addr, discovery.ErrConnection)
			}
			b, _ := newBalancer(t, ins, discovery.WithPolicy(p), discovery.WithRetries(8), discovery.WithoutOutlierDetection())
			rec := motoretest.NewRecorder[string, string](inner)
			svc := discovery.LoadBalance[string, string](b, func(_ context.Context, req string) string { return req }).Layer(rec)
			for i := range 20 {
				rec.Reset()
				got, err := svc.Call(context.Background(), fmt.Sprint("key-", i))
				require.NoError(t, err)
				assert.Equal(t, ins[4].Addr, got, "the only healthy instance")
				assert.LessOrEqual(t, rec.Count(), 5, "each instance at most once")
			}
			for _, in := range ins[4:] {
				inner.fail(in.Addr, discovery.ErrConnection)
			}
			rec.Reset()
			_, err := svc.Call(context.Background(), "req")
			assert.ErrorIs(t, err, discovery.ErrConnection, "the last failure, not ErrNoInstance")
			assert.Equal(t, 5, rec.Count(), "each instance once")
		})
	}
}

func TestRetriesAvoidEjectedInstances(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			ins := instances(4)
			inner := &byInstance{}
			inner.fail(ins[0].Addr, discovery.ErrConnection)
			b, _ := newBalancer(t, ins, discovery.WithPolicy(p), discovery.WithRetries(3),
				discovery.WithOutlierDetection(1, time.Hour), discovery.WithMaxEjectedPercent(100))
			rec := motoretest.NewRecorder[string, string](inner)
			svc := discovery.LoadBalance[string, string](b, func(_ context.Context, req string) string { return req }).Layer(rec)
			for i := range 50 {
				_, err := svc.Call(context.Background(), fmt.Sprint("key-", i))
				require.NoError(t, err)
			}
			assert.True(t, b.Ejected(ins[0].Addr))
			assert.LessOrEqual(t, rec.Count(), 51, "at most one failed attempt before the ejection")
		})
	}
}

func TestLoadBalanceCustomClassifier(t *testing.T) {
	errBusy := errors.New("busy")
	ins := instances(2)
	inner := &byInstance{}
	inner.fail(ins[0].Addr, errBusy)
	b, _ := newBalancer(t, ins, discovery.WithConnectionClassifier(func(err error) bool { return errors.Is(err, errBusy) }))
	got, err := discovery.LoadBalance[string, string](b, nil).Layer(inner).Call(context.Background(), "req")
	require.NoError(t, err)
	assert.Equal(t, ins[1].Addr, got)
}

func TestLoadBalanceNoInstance(t *testing.T) {
	b, _ := newBalancer(t, nil)
	rec := motoretest.NewRecorder[string, string](nil)
	_, err := discovery.LoadBalance[string, string](b, nil).Layer(rec).Call(context.Background(), "req")
	assert.ErrorIs(t, err, discovery.ErrNoInstance)
	assert.Zero(t, rec.Count())
}

func TestLoadBalanceNilPartsFailTheBuild(t *testing.T) {
	b, _ := newBalancer(t, instances(1))
	_, err := motore.Build[string, string](nil, discovery.LoadBalance[string, string](b, nil))
	assert.ErrorIs(t, err, motore.ErrNilService)
	_, err = motore.Build[string, string](motoretest.NewRecorder[string, string](nil), discovery.LoadBalance[string, string](nil, nil))
	var be *motore.BuildError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, "loadbalance", be.Layer)
}

func TestLoadBalanceHashesTheKey(t *testing.T) {
	b, _ := newBalancer(t, instances(10), discovery.WithPolicy(discovery.ConsistentHash(100)))
	svc := discovery.LoadBalance[string, string](b, func(_ context.Context, req string) string { return req }).Layer(&byInstance{})
	first := make(map[string]string)
	for range 3 {
		for _, k := range []string{"alice", "bob", "carol", "dave"} {
			got, err := svc.Call(context.Background(), k)
			require.NoError(t, err)
			if prev, ok := first[k]; ok {
				assert.Equal(t, prev, got, k)
			}
			first[k] = got
		}
	}
}

func TestOutlierEjectionAndReturn(t *testing.T) {
	ins := instances(4)
	inner := &byInstance{}
	bad := ins[1].Addr
	inner.fail(bad, discovery.ErrConnection)
	b, _ := newBalancer(t, ins, discovery.WithoutRetries(), discovery.WithOutlierDetection(3, 50*time.Millisecond))
	svc := discovery.LoadBalance[string, string](b, nil).Layer(inner)
	failures := 0
	for range 12 {
		if _, err := svc.Call(context.Background(), "req"); err != nil {
			failures++
		}
	}
	assert.Equal(t, 3, failures, "ejected after three failures in a row")
	assert.True(t, b.Ejected(bad))
	for range 20 {
		got, err := svc.Call(context.Background(), "req")
		require.NoError(t, err)
		assert.NotEqual(t, bad, got)
	}
	// It comes back after the ejection time and, healthy now, stays.
	inner.fail(bad, nil)
	require.Eventually(t, func() bool { return !b.Ejected(bad) }, 5*time.Second, time.Millisecond)
	seen := false
	for range 8 {
		got, err := svc.Call(context.Background(), "req")
		require.NoError(t, err)
		seen = seen || got == bad
	}
	assert.True(t, seen)
}

func TestOutlierEjectionIsBounded(t *testing.T) {
	ins := instances(4)
	inner := &byInstance{}
	for _, in := range ins {
		inner.fail(in.Addr, discovery.ErrConnection)
	}
	b, _ := newBalancer(t, ins, discovery.WithoutRetries(), discovery.WithOutlierDetection(1, time.Hour), discovery.WithMaxEjectedPercent(50))
	svc := discovery.LoadBalance[string, string](b, nil).Layer(inner)
	for range 40 {
		_, err := svc.Call(context.Background(), "req")
		assert.ErrorIs(t, err, discovery.ErrConnection)
	}
	ejected := 0
	for _, in := range ins {
		if b.Ejected(in.Addr) {
			ejected++
		}
	}
	assert.Equal(t, 2, ejected, "at most half the instances")
}

func TestAllEjectedStillServes(t *testing.T) {
	ins := instances(1)
	inner := &byInstance{}
	inner.fail(ins[0].Addr, discovery.ErrConnection)
	b, _ := newBalancer(t, ins, discovery.WithoutRetries(), discovery.WithOutlierDetection(1, time.Hour))
	svc := discovery.LoadBalance[string, string](b, nil).Layer(inner)
	_, _ = svc.Call(context.Background(), "req")
	require.True(t, b.Ejected(ins[0].Addr))
	inner.fail(ins[0].Addr, nil)
	got, err := svc.Call(context.Background(), "req")
	require.NoError(t, err, "an ejected instance beats none")
	assert.Equal(t, ins[0].Addr, got)
}

func TestBalancerFollowsUpdatesWhileCalling(t *testing.T) {
	b, st := newBalancer(t, instances(2), discovery.WithPolicy(discovery.PeakEWMA(time.Second)))
	svc := discovery.LoadBalance[string, string](b, nil).Layer(&byInstance{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var calls atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := svc.Call(ctx, "req"); err == nil {
					calls.Add(1)
				}
			}
		}()
	}
	for n := 1; n <= 20; n++ {
		st.Set(instances(n%5 + 1)...)
		time.Sleep(time.Millisecond)
	}
	st.Set(instances(5)...)
	require.Eventually(t, func() bool { return len(b.Instances()) == 5 }, 5*time.Second, time.Millisecond)
	cancel()
	wg.Wait()
	assert.Positive(t, calls.Load())
}

func TestFilterKeepsTaggedInstances(t *testing.T) {
	ins := []discovery.Instance{
		{Addr: "a", Tags: map[string]string{"zone": "east"}},
		{Addr: "b", Tags: map[string]string{"zone": "west"}},
		{Addr: "c", Tags: map[string]string{"zone": "east"}},
	}
	b, _ := newBalancer(t, ins, discovery.WithFilter(func(in discovery.Instance) bool { return in.Tags["zone"] == "east" }))
	got := count(t, b, 10, nil)
	assert.Equal(t, map[string]int{"a": 5, "c": 5}, got)
}

// failingDiscoverer fails its first resolution.
type failingDiscoverer struct{ err error }

func (f failingDiscoverer) Resolve(context.Context, string) ([]discovery.Instance, error) {
	return nil, f.err
}

func (f failingDiscoverer) Watch(context.Context, string) (discovery.Watcher, error) {
	return nil, f.err
}

func TestNewBalancerReportsResolutionFailure(t *testing.T) {
	errDown := errors.New("backend down")
	_, err := discovery.NewBalancer(context.Background(), failingDiscoverer{errDown}, "svc")
	assert.ErrorIs(t, err, errDown)
	_, err = discovery.NewBalancer(context.Background(), nil, "svc")
	assert.Error(t, err)
}

func TestCloseKeepsLastInstances(t *testing.T) {
	b, st := newBalancer(t, instances(2))
	require.NoError(t, b.Close())
	require.NoError(t, b.Close())
	st.Set(instances(5)...)
	assert.Len(t, b.Instances(), 2)
	_, err := b.Pick("")
	assert.NoError(t, err)
}

// flakyDiscoverer's watcher fails every other Next after the first.
type flakyDiscoverer struct{ st *discovery.Static }

func (f flakyDiscoverer) Resolve(ctx context.Context, target string) ([]discovery.Instance, error) {
	return f.st.Resolve(ctx, target)
}

func (f flakyDiscoverer) Watch(ctx context.Context, target string) (discovery.Watcher, error) {
	w, err := f.st.Watch(ctx, target)
	return &flakyWatcher{Watcher: w}, err
}

type flakyWatcher struct {
	discovery.Watcher
	n int
}

var errFlaky = errors.New("backend hiccup")

func (w *flakyWatcher) Next(ctx context.Context) ([]discovery.Instance, error) {
	w.n++
	if w.n%2 == 0 {
		return nil, errFlaky
	}
	return w.Watcher.Next(ctx)
}

func TestBalancerRidesOutWatchErrors(t *testing.T) {
	st := discovery.NewStatic(instances(1)...)
	var mu sync.Mutex
	var seen []error
	b, err := discovery.NewBalancer(context.Background(), flakyDiscoverer{st}, "svc",
		discovery.WithWatchErrorHandler(func(err error) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, err)
		}))
	require.NoError(t, err)
	defer b.Close()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) > 0
	}, 5*time.Second, time.Millisecond)
	_, err = b.Pick("")
	assert.NoError(t, err, "the last instances keep serving")
	st.Set(instances(3)...)
	require.Eventually(t, func() bool { return len(b.Instances()) == 3 }, 5*time.Second, time.Millisecond)
	mu.Lock()
	assert.ErrorIs(t, seen[0], errFlaky)
	mu.Unlock()
}

func TestLoadBalanceCallAllocatesOnlyTheContext(t *testing.T) {
	b, _ := newBalancer(t, instances(100), discovery.WithPolicy(discovery.ConsistentHash(0)))
	svc := discovery.LoadBalance[string, string](b, func(_ context.Context, req string) string { return req }).Layer(&byInstance{})
	ctx := context.Background()
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := svc.Call(ctx, "key"); err != nil {
			panic(err)
		}
	})
	assert.Equal(t, 1.0, allocs, "the context carrying the instance")
}
