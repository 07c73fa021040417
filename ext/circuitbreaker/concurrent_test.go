package circuitbreaker_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
)

// tally is an inner service that answers by request number and counts what
// it saw: every third call fails, every fifth (of the rest) fails with a
// business error, the others succeed.
type tally struct {
	calls, ok, failed, business atomic.Uint32
}

func (s *tally) Call(_ context.Context, n int) (int, error) {
	s.calls.Add(1)
	switch {
	case n%3 == 0:
		s.failed.Add(1)
		return 0, errDown
	case n%5 == 0:
		s.business.Add(1)
		return 0, circuitbreaker.MarkBusiness(errDown)
	default:
		s.ok.Add(1)
		return n, nil
	}
}

const (
	workers = 8
	perWork = 400
)

// hammer calls svc from several goroutines at once.
func hammer(svc motore.Service[int, int]) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWork {
				_, _ = svc.Call(context.Background(), w*perWork+i)
			}
		}()
	}
	wg.Wait()
}

func neverTrip() []circuitbreaker.BreakerOption {
	return []circuitbreaker.BreakerOption{
		circuitbreaker.WithoutConsecutiveFailures(),
		circuitbreaker.WithoutFailureRate(),
		circuitbreaker.WithWindow(time.Hour, 1),
	}
}

func neverTripGroup() []circuitbreaker.GroupOption {
	var out []circuitbreaker.GroupOption
	for _, o := range neverTrip() {
		out = append(out, o.(circuitbreaker.GroupOption))
	}
	return out
}

func TestConcurrentCountsMatchTheInnerService(t *testing.T) {
	br := circuitbreaker.New[int, int](nil, neverTrip()...)
	inner := &tally{}
	hammer(br.Layer(inner))

	got := br.Snapshot().Counts
	assert.Equal(t, inner.calls.Load(), got.Requests)
	assert.Equal(t, inner.ok.Load(), got.Successes)
	assert.Equal(t, inner.failed.Load(), got.Failures)
	assert.Equal(t, inner.business.Load(), got.Ignored)
	assert.Equal(t, uint32(workers*perWork), got.Requests)
}

func TestConcurrentGroupCountsMatchPerKey(t *testing.T) {
	const keys = 4
	g := circuitbreaker.NewGroup[int, int](func(_ context.Context, n int) string { return fmt.Sprint("k", n%keys) }, nil, neverTripGroup()...)
	inners := make([]*tally, keys)
	for i := range inners {
		inners[i] = &tally{}
	}
	// Route each key to its own tally, so each breaker has a ground truth.
	svc := g.Layer(motore.ServiceFn(func(ctx context.Context, n int) (int, error) {
		return inners[n%keys].Call(ctx, n)
	}))
	hammer(svc)

	require.Equal(t, keys, g.Len())
	for i, inner := range inners {
		snap, ok := g.Snapshot(fmt.Sprint("k", i))
		require.True(t, ok)
		assert.Equal(t, circuitbreaker.Counts{
			Requests:             inner.calls.Load(),
			Successes:            inner.ok.Load(),
			Failures:             inner.failed.Load(),
			Ignored:              inner.business.Load(),
			ConsecutiveSuccesses: snap.Counts.ConsecutiveSuccesses,
			ConsecutiveFailures:  snap.Counts.ConsecutiveFailures,
		}, snap.Counts, "key k%d", i)
	}
}

func TestConcurrentTripStopsCalls(t *testing.T) {
	const threshold = 50
	var changes atomic.Int32
	br := circuitbreaker.New[int, int](nil,
		circuitbreaker.WithConsecutiveFailures(threshold),
		circuitbreaker.WithoutFailureRate(),
		circuitbreaker.WithOpenTimeout(time.Hour),
		circuitbreaker.WithOnStateChange(func(string, circuitbreaker.State, circuitbreaker.State) { changes.Add(1) }),
	)
	var innerCalls, rejected, failed atomic.Uint32
	svc := br.Layer(motore.ServiceFn(func(context.Context, int) (int, error) {
		innerCalls.Add(1)
		return 0, errDown
	}))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWork {
				_, err := svc.Call(context.Background(), 0)
				switch {
				case errors.Is(err, circuitbreaker.ErrOpen):
					rejected.Add(1)
				case errors.Is(err, errDown):
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()

	assert.Equal(t, uint32(workers*perWork), rejected.Load()+failed.Load(), "every call either ran or was rejected")
	assert.Equal(t, innerCalls.Load(), failed.Load())
	// The trip happens at the threshold-th failure; calls already let through
	// by then (at most one per other worker) still reach the inner service.
	assert.GreaterOrEqual(t, innerCalls.Load(), uint32(threshold))
	assert.LessOrEqual(t, innerCalls.Load(), uint32(threshold+workers-1))
	assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
	assert.Equal(t, int32(1), changes.Load())
}

func TestConcurrentHalfOpenLetsExactlyTheProbesThrough(t *testing.T) {
	const (
		probes  = 3
		callers = 16
	)
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(openTimeout),
		circuitbreaker.WithHalfOpenProbes(probes),
	)
	g := newGate(nil)
	sw := &switchable{down: true, next: g}
	svc := br.Layer(sw)
	tripAndWait(t, br.Snapshot, svc)
	sw.set(false)

	var (
		wg       sync.WaitGroup
		tooMany  atomic.Int32
		ok       atomic.Int32
		start    = make(chan struct{})
		unwanted = make(chan error, callers)
	)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := svc.Call(context.Background(), "x")
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, circuitbreaker.ErrTooManyRequests):
				tooMany.Add(1)
			default:
				unwanted <- err
			}
		}()
	}
	close(start)
	require.Eventually(t, func() bool {
		_, inFlight := g.counts()
		return inFlight == probes && tooMany.Load() == callers-probes
	}, waitFor, time.Millisecond)
	g.open()
	wg.Wait()
	close(unwanted)
	for err := range unwanted {
		t.Errorf("unexpected error: %v", err)
	}
	calls, _ := g.counts()
	assert.Equal(t, probes, calls)
	assert.Equal(t, int32(probes), ok.Load())
	assert.Equal(t, circuitbreaker.StateClosed, br.Snapshot().State)
}
