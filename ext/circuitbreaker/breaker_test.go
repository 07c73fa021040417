package circuitbreaker_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sony/gobreaker/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

func failing() *motoretest.Scripted[string, string] {
	return motoretest.NewScripted[string](motoretest.Fail[string](errDown)).RepeatLast()
}

func TestConsecutiveFailuresTripAtThreshold(t *testing.T) {
	for _, n := range []uint32{1, 3, 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			br := circuitbreaker.New[string, string](nil,
				circuitbreaker.WithConsecutiveFailures(n),
				circuitbreaker.WithoutFailureRate(),
				circuitbreaker.WithOpenTimeout(time.Hour),
			)
			inner := failing()
			svc := br.Layer(inner)
			for i := range n {
				assert.Equal(t, circuitbreaker.StateClosed, br.Snapshot().State, "before failure %d", i+1)
				_, err := svc.Call(context.Background(), "x")
				require.ErrorIs(t, err, errDown, "failure %d reaches the caller as it is", i+1)
			}
			assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
			assert.Equal(t, int(n), inner.Calls())

			_, err := svc.Call(context.Background(), "x")
			assert.ErrorIs(t, err, circuitbreaker.ErrOpen)
			assert.Equal(t, int(n), inner.Calls(), "an open breaker does not call the inner service")
		})
	}
}

func TestFailureRateNeedsMinimumSamples(t *testing.T) {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithoutConsecutiveFailures(),
		circuitbreaker.WithFailureRate(0.5, 10),
		circuitbreaker.WithWindow(time.Hour, 4),
		circuitbreaker.WithOpenTimeout(time.Hour),
	)
	// Success and failure alternate: the rate is 50% from the second call on,
	// but the breaker waits for ten samples.
	var steps []motoretest.Step[string]
	for range 10 {
		steps = append(steps, motoretest.Return("ok"), motoretest.Fail[string](errDown))
	}
	inner := motoretest.NewScripted[string](steps...)
	svc := br.Layer(inner)
	for i := range 9 {
		_, _ = svc.Call(context.Background(), "x")
		require.Equal(t, circuitbreaker.StateClosed, br.Snapshot().State, "after %d samples", i+1)
	}
	_, err := svc.Call(context.Background(), "x")
	require.ErrorIs(t, err, errDown)
	snap := br.Snapshot()
	assert.Equal(t, circuitbreaker.StateOpen, snap.State, "the tenth sample makes 5 failures of 10")
	assert.Equal(t, circuitbreaker.Counts{}, snap.Counts, "counts start afresh in the new state")
}

func TestFailureRateBelowThresholdStaysClosed(t *testing.T) {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithoutConsecutiveFailures(),
		circuitbreaker.WithFailureRate(0.5, 4),
		circuitbreaker.WithWindow(time.Hour, 1),
	)
	// One failure in three, for a long time.
	inner := motoretest.NewScripted[string, string]()
	for range 30 {
		inner.Then(motoretest.Return("ok"), motoretest.Return("ok"), motoretest.Fail[string](errDown))
	}
	svc := br.Layer(inner)
	for range 90 {
		_, _ = svc.Call(context.Background(), "x")
	}
	snap := br.Snapshot()
	assert.Equal(t, circuitbreaker.StateClosed, snap.State)
	assert.Equal(t, circuitbreaker.Counts{Requests: 90, Successes: 60, Failures: 30, ConsecutiveFailures: 1}, snap.Counts)
}

func TestOldFailuresLeaveTheRollingWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const window = 40 * time.Millisecond
		br := circuitbreaker.New[string, string](nil,
			circuitbreaker.WithConsecutiveFailures(4),
			circuitbreaker.WithoutFailureRate(),
			circuitbreaker.WithWindow(window, 4),
		)
		svc := br.Layer(failing())
		for range 3 {
			_, _ = svc.Call(context.Background(), "x")
		}
		require.Equal(t, uint32(3), br.Snapshot().Counts.ConsecutiveFailures)
		time.Sleep(2 * window)
		_, _ = svc.Call(context.Background(), "x")
		snap := br.Snapshot()
		assert.Equal(t, circuitbreaker.StateClosed, snap.State, "the first three failures are out of the window")
		assert.Equal(t, uint32(1), snap.Counts.Failures)
	})
}

func TestOpenRejectsAtOnceWithKeyedError(t *testing.T) {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithName("payments"),
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(time.Hour),
	)
	inner := motoretest.NewRecorder(failing())
	svc := br.Layer(inner)
	_, _ = svc.Call(context.Background(), "x")
	require.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)

	for range 10 {
		// A context with no deadline: if the inner service were called and
		// blocked, the test would hang instead of passing.
		_, err := svc.Call(context.Background(), "x")
		require.Error(t, err)
		assert.ErrorIs(t, err, circuitbreaker.ErrOpen)
		assert.ErrorIs(t, err, gobreaker.ErrOpenState, "gobreaker's sentinel matches too")
		assert.NotErrorIs(t, err, circuitbreaker.ErrTooManyRequests)
		var rej *circuitbreaker.RejectedError
		require.ErrorAs(t, err, &rej)
		assert.Equal(t, "payments", rej.Key)
		assert.Equal(t, `circuitbreaker: open (key "payments")`, err.Error())
	}
	assert.Equal(t, 1, inner.Count())
	assert.Equal(t, "circuitbreaker: open", circuitbreaker.ErrOpen.Error())
	assert.ErrorIs(t, circuitbreaker.ErrOpen, gobreaker.ErrOpenState)
	assert.ErrorIs(t, circuitbreaker.ErrTooManyRequests, gobreaker.ErrTooManyRequests)
	assert.NotErrorIs(t, circuitbreaker.ErrOpen, gobreaker.ErrTooManyRequests)
}

// tripAndWait opens a breaker by one failing call and waits for it to turn
// half-open.
func tripAndWait(t *testing.T, snap func() circuitbreaker.Snapshot, svc motore.Service[string, string]) {
	t.Helper()
	_, err := svc.Call(context.Background(), "bad")
	require.Error(t, err)
	require.Equal(t, circuitbreaker.StateOpen, snap().State)
	waitState(t, snap, circuitbreaker.StateHalfOpen)
}

// switchable fails while down is true and otherwise delegates to next.
type switchable struct {
	mu   sync.Mutex
	down bool
	next motore.Service[string, string]
}

func (s *switchable) set(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
}

func (s *switchable) Call(ctx context.Context, req string) (string, error) {
	s.mu.Lock()
	down := s.down
	s.mu.Unlock()
	if down {
		return "", errDown
	}
	return s.next.Call(ctx, req)
}

func TestHalfOpenLetsExactlyTheProbesThrough(t *testing.T) {
	for _, probes := range []uint32{1, 3} {
		t.Run(fmt.Sprint(probes), func(t *testing.T) {
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

			var wg sync.WaitGroup
			errs := make(chan error, probes)
			for range probes {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := svc.Call(context.Background(), "probe")
					errs <- err
				}()
			}
			require.Eventually(t, func() bool { _, n := g.counts(); return n == int(probes) }, waitFor, time.Millisecond)

			// Every probe slot is taken: the others are turned away at once.
			for range 5 {
				_, err := svc.Call(context.Background(), "extra")
				assert.ErrorIs(t, err, circuitbreaker.ErrTooManyRequests)
				assert.ErrorIs(t, err, gobreaker.ErrTooManyRequests)
				assert.NotErrorIs(t, err, circuitbreaker.ErrOpen)
			}
			calls, _ := g.counts()
			assert.Equal(t, int(probes), calls, "exactly the probes reached the inner service")
			assert.Equal(t, circuitbreaker.StateHalfOpen, br.Snapshot().State)

			g.open()
			wg.Wait()
			close(errs)
			for err := range errs {
				assert.NoError(t, err)
			}
			assert.Equal(t, circuitbreaker.StateClosed, br.Snapshot().State, "the probes all succeeded")
			_, err := svc.Call(context.Background(), "after")
			assert.NoError(t, err)
		})
	}
}

func TestHalfOpenProbeResults(t *testing.T) {
	tests := []struct {
		name   string
		probes uint32
		script []error // results of the probes, in order
		want   circuitbreaker.State
	}{
		{"one success closes", 1, []error{nil}, circuitbreaker.StateClosed},
		{"one failure reopens", 1, []error{errDown}, circuitbreaker.StateOpen},
		{"all successes close", 3, []error{nil, nil, nil}, circuitbreaker.StateClosed},
		{"a late failure reopens", 3, []error{nil, nil, errDown}, circuitbreaker.StateOpen},
		{"an early failure reopens", 3, []error{errDown}, circuitbreaker.StateOpen},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := circuitbreaker.New[string, string](nil,
				circuitbreaker.WithConsecutiveFailures(1),
				circuitbreaker.WithOpenTimeout(openTimeout),
				circuitbreaker.WithHalfOpenProbes(tt.probes),
			)
			steps := []motoretest.Step[string]{motoretest.Fail[string](errDown)}
			for _, err := range tt.script {
				steps = append(steps, motoretest.Step[string]{Resp: "ok", Err: err})
			}
			inner := motoretest.NewScripted[string](steps...)
			svc := br.Layer(inner)
			tripAndWait(t, br.Snapshot, svc)
			for i, want := range tt.script {
				_, err := svc.Call(context.Background(), "probe")
				require.ErrorIs(t, err, want, "probe %d", i+1)
			}
			assert.Equal(t, tt.want, br.Snapshot().State)
			assert.Equal(t, 1+len(tt.script), inner.Calls())
			if tt.want == circuitbreaker.StateOpen {
				_, err := svc.Call(context.Background(), "x")
				assert.ErrorIs(t, err, circuitbreaker.ErrOpen, "reopened: no more calls go through")
				assert.Equal(t, 1+len(tt.script), inner.Calls())
			}
		})
	}
}

func TestStateChangeHookSeesKeyAndBothStates(t *testing.T) {
	type change struct {
		key      string
		from, to circuitbreaker.State
	}
	var (
		mu      sync.Mutex
		changes []change
	)
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithName("svc"),
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(openTimeout),
		circuitbreaker.WithOnStateChange(func(key string, from, to circuitbreaker.State) {
			mu.Lock()
			changes = append(changes, change{key, from, to})
			mu.Unlock()
		}),
	)
	svc := br.Layer(motoretest.NewScripted[string](motoretest.Fail[string](errDown), motoretest.Return("ok")))
	tripAndWait(t, br.Snapshot, svc)
	_, err := svc.Call(context.Background(), "probe")
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []change{
		{"svc", circuitbreaker.StateClosed, circuitbreaker.StateOpen},
		{"svc", circuitbreaker.StateOpen, circuitbreaker.StateHalfOpen},
		{"svc", circuitbreaker.StateHalfOpen, circuitbreaker.StateClosed},
	}, changes)
}

func TestPanicCountsAsFailureAndGoesOn(t *testing.T) {
	br := circuitbreaker.New[string, string](nil, circuitbreaker.WithConsecutiveFailures(1), circuitbreaker.WithOpenTimeout(time.Hour))
	svc := br.Layer(motoretest.NewScripted[string, string](motoretest.Step[string]{Panic: "boom"}))
	assert.PanicsWithValue(t, "boom", func() { _, _ = svc.Call(context.Background(), "x") })
	assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
}

func TestBuildErrors(t *testing.T) {
	echo := motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil })
	byReq := func(_ context.Context, req string) string { return req }

	_, err := motore.Build[string, string](nil, circuitbreaker.New[string, string](nil))
	assert.ErrorIs(t, err, motore.ErrNilService)

	var be *motore.BuildError

	// A classifier for another response type is a compile error:
	// circuitbreaker.New[string, string](func(context.Context, int, error) circuitbreaker.Outcome {...})
	// does not build, so there is no build-time type check left to test.
	_, err = motore.Build(echo, motore.Identity[string, string](), motore.Middleware[string, string](
		circuitbreaker.NewGroup[string, string](nil, nil)))
	require.ErrorAs(t, err, &be)
	assert.Equal(t, 1, be.Index, "motore reports where the layer sits")
	assert.Contains(t, be.Layer, "circuitbreaker per key(")

	var nilFunc motore.ServiceFunc[string, string]
	_, err = motore.Apply(motore.Middleware[string, string](circuitbreaker.New[string, string](nil)), motore.Service[string, string](nilFunc))
	assert.ErrorIs(t, err, motore.ErrNilService, "a nil ServiceFunc is a nil service too")

	_, err = motore.Build(echo, circuitbreaker.NewGroup[string, string](nil, nil))
	assert.ErrorIs(t, err, motore.ErrNilFunc)

	_, err = motore.Build[string, string](nil, circuitbreaker.NewGroup[string, string](byReq, nil))
	assert.ErrorIs(t, err, motore.ErrNilService)

	br := circuitbreaker.New[string, string](nil)
	func() {
		defer func() {
			assert.Equal(t, &motore.BuildError{Layer: br.Describe(), Index: -1, Err: motore.ErrNilService}, recover(),
				"applied directly, the layer panics with a *motore.BuildError")
		}()
		br.Layer(nil)
	}()

	_, err = motore.Build(echo, circuitbreaker.New[string, string](nil))
	assert.NoError(t, err, "a nil classifier keeps the default")
}

func TestDescribe(t *testing.T) {
	echo := motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil })
	svc, err := motore.Build(echo,
		circuitbreaker.NewGroup[string, string](func(_ context.Context, req string) string { return req }, nil,
			circuitbreaker.WithMaxKeys(64), circuitbreaker.WithoutIdleTimeout()),
		circuitbreaker.New[string, string](nil, circuitbreaker.WithName("svc"), circuitbreaker.WithoutFailureRate()),
	)
	require.NoError(t, err)
	layers := motore.Layers(svc)
	require.Len(t, layers, 3)
	assert.Equal(t, "circuitbreaker per key(5 consecutive, 50% of 20, in 10s, open 5s, probes 1, max 64 keys, no idle expiry)", layers[0])
	assert.Equal(t, "circuitbreaker(svc, 5 consecutive, in 10s, open 5s, probes 1)", layers[1])
}

// An inner service guarded by a breaker of its own may return gobreaker's
// errors; they are its result, not a rejection by this breaker.
func TestInnerGobreakerErrorsPassThrough(t *testing.T) {
	br := circuitbreaker.New[string, string](nil, circuitbreaker.WithName("outer"))
	svc := br.Layer(motoretest.NewScripted[string](motoretest.Fail[string](gobreaker.ErrOpenState)))
	_, err := svc.Call(context.Background(), "x")
	assert.Same(t, gobreaker.ErrOpenState, err)
	var rej *circuitbreaker.RejectedError
	assert.False(t, errors.As(err, &rej))
	assert.Equal(t, uint32(1), br.Snapshot().Counts.Failures)
}

func TestClosingAgainCountsFromZeroAndTripsAgain(t *testing.T) {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithConsecutiveFailures(3),
		circuitbreaker.WithoutFailureRate(),
		circuitbreaker.WithOpenTimeout(openTimeout),
	)
	sw := &switchable{down: true, next: motoretest.NewScripted[string](motoretest.Return("ok")).RepeatLast()}
	svc := br.Layer(sw)
	for range 3 {
		_, _ = svc.Call(context.Background(), "bad")
	}
	require.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
	waitState(t, br.Snapshot, circuitbreaker.StateHalfOpen)
	sw.set(false)
	_, err := svc.Call(context.Background(), "probe")
	require.NoError(t, err)
	require.Equal(t, circuitbreaker.StateClosed, br.Snapshot().State)
	assert.Equal(t, circuitbreaker.Counts{}, br.Snapshot().Counts, "a breaker that closes starts counting again")

	sw.set(true)
	for range 2 {
		_, err := svc.Call(context.Background(), "x")
		require.ErrorIs(t, err, errDown)
	}
	assert.Equal(t, circuitbreaker.Counts{Requests: 2, Failures: 2, ConsecutiveFailures: 2}, br.Snapshot().Counts)
	assert.Equal(t, circuitbreaker.StateClosed, br.Snapshot().State)
	_, err = svc.Call(context.Background(), "x")
	require.ErrorIs(t, err, errDown)
	assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
	_, err = svc.Call(context.Background(), "x")
	assert.ErrorIs(t, err, circuitbreaker.ErrOpen)
}
