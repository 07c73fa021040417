package circuitbreaker_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

// notFound is an application error type that marks itself as a business
// error without importing the breaker.
type notFound struct{ id string }

func (e *notFound) Error() string       { return "not found: " + e.id }
func (e *notFound) BusinessError() bool { return true }

func TestClassifyError(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel2()
	bg := context.Background()

	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want circuitbreaker.Outcome
	}{
		{"no error", bg, nil, circuitbreaker.Success},
		{"no error after cancel", cancelled, nil, circuitbreaker.Success},
		{"plain error", bg, errDown, circuitbreaker.Failure},
		{"caller cancelled", cancelled, context.Canceled, circuitbreaker.Ignored},
		{"caller cancelled, other error", cancelled, errDown, circuitbreaker.Ignored},
		{"callee's own cancellation", bg, context.Canceled, circuitbreaker.Failure},
		{"deadline exceeded", expired, context.DeadlineExceeded, circuitbreaker.Failure},
		{"deadline exceeded, callee's", bg, fmt.Errorf("rpc: %w", context.DeadlineExceeded), circuitbreaker.Failure},
		{"motore timeout", bg, motore.ErrTimeout, circuitbreaker.Failure},
		{"marked business error", bg, circuitbreaker.MarkBusiness(errDown), circuitbreaker.Ignored},
		{"wrapped business error", bg, fmt.Errorf("get: %w", circuitbreaker.MarkBusiness(errDown)), circuitbreaker.Ignored},
		{"own business type", bg, fmt.Errorf("get: %w", &notFound{"42"}), circuitbreaker.Ignored},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, circuitbreaker.ClassifyError(tt.ctx, tt.err))
		})
	}
}

func TestMarkBusinessKeepsTheError(t *testing.T) {
	err := circuitbreaker.MarkBusiness(errDown)
	assert.ErrorIs(t, err, errDown)
	assert.Equal(t, errDown.Error(), err.Error())
	assert.True(t, circuitbreaker.IsBusiness(err))
	assert.False(t, circuitbreaker.IsBusiness(errDown))
	assert.False(t, circuitbreaker.IsBusiness(nil))
	assert.NoError(t, circuitbreaker.MarkBusiness(nil))
}

func TestOutcomeString(t *testing.T) {
	assert.Equal(t, "success", circuitbreaker.Success.String())
	assert.Equal(t, "failure", circuitbreaker.Failure.String())
	assert.Equal(t, "ignored", circuitbreaker.Ignored.String())
	assert.Equal(t, "failure", circuitbreaker.Outcome(9).String())
	assert.Equal(t, "half-open", circuitbreaker.StateHalfOpen.String())
	assert.Equal(t, "state(7)", circuitbreaker.State(7).String())
}

func TestCallerCancellationsNeverTrip(t *testing.T) {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithFailureRate(0.01, 1),
	)
	// The inner service would answer after an hour; each caller gives up
	// first, some before the call and some during it.
	inner := motoretest.NewRecorder(motoretest.NewScripted[string](motoretest.Return("late").After(time.Hour)).RepeatLast())
	svc := br.Layer(inner)
	for i := range 20 {
		ctx, cancel := context.WithCancel(context.Background())
		if i%2 == 0 {
			cancel()
		} else {
			time.AfterFunc(time.Millisecond, cancel)
		}
		_, err := svc.Call(ctx, "x")
		require.ErrorIs(t, err, context.Canceled)
		cancel()
	}
	snap := br.Snapshot()
	assert.Equal(t, circuitbreaker.StateClosed, snap.State)
	assert.Equal(t, circuitbreaker.Counts{Requests: 20, Ignored: 20}, snap.Counts)
	assert.Equal(t, 20, inner.Count(), "cancelled calls still reached the inner service")
}

func TestCancelledProbeFreesItsSlot(t *testing.T) {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(openTimeout),
	)
	inner := motoretest.NewScripted[string](
		motoretest.Fail[string](errDown),
		motoretest.Return("slow").After(time.Hour),
		motoretest.Return("ok"),
	)
	svc := br.Layer(inner)
	tripAndWait(t, br.Snapshot, svc)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := svc.Call(ctx, "probe")
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, circuitbreaker.StateHalfOpen, br.Snapshot().State, "an ignored probe decides nothing")

	resp, err := svc.Call(context.Background(), "probe")
	require.NoError(t, err, "the ignored probe's slot went to the next caller")
	assert.Equal(t, "ok", resp)
	assert.Equal(t, circuitbreaker.StateClosed, br.Snapshot().State)
}

func TestDeadlineExceededTrips(t *testing.T) {
	br := circuitbreaker.New[string, string](nil, circuitbreaker.WithConsecutiveFailures(3), circuitbreaker.WithOpenTimeout(time.Hour))
	inner := motoretest.NewScripted[string](motoretest.Return("late").After(time.Hour)).RepeatLast()
	svc, err := motore.Build[string, string](inner, br, motore.Timeout[string, string](time.Millisecond))
	require.NoError(t, err)
	for range 3 {
		_, err := svc.Call(context.Background(), "x")
		require.ErrorIs(t, err, context.DeadlineExceeded)
	}
	assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
	_, err = svc.Call(context.Background(), "x")
	assert.ErrorIs(t, err, circuitbreaker.ErrOpen)
	assert.Equal(t, 3, inner.Calls())
}

func TestBusinessErrorsAreIgnored(t *testing.T) {
	br := circuitbreaker.New[string, string](nil, circuitbreaker.WithConsecutiveFailures(1))
	inner := motoretest.NewScripted[string](
		motoretest.Fail[string](circuitbreaker.MarkBusiness(errDown)),
		motoretest.Fail[string](&notFound{"7"}),
	).RepeatLast()
	svc := br.Layer(inner)
	for range 10 {
		_, err := svc.Call(context.Background(), "x")
		var nf *notFound
		if !errors.As(err, &nf) {
			require.ErrorIs(t, err, errDown)
		}
	}
	snap := br.Snapshot()
	assert.Equal(t, circuitbreaker.StateClosed, snap.State)
	assert.Equal(t, uint32(10), snap.Counts.Ignored)
}

// reply is a response that carries its own status, as RPC replies often do.
type reply struct {
	Code int
	Body string
}

func TestResponseClassifiedAsFailure(t *testing.T) {
	unavailable := func(ctx context.Context, r reply, err error) circuitbreaker.Outcome {
		if err == nil && r.Code == 503 {
			return circuitbreaker.Failure
		}
		return circuitbreaker.ClassifyError(ctx, err)
	}
	br := circuitbreaker.New[string, reply](unavailable,
		circuitbreaker.WithConsecutiveFailures(2),
		circuitbreaker.WithOpenTimeout(time.Hour),
	)
	inner := motoretest.NewScripted[string](
		motoretest.Return(reply{Code: 200}),
		motoretest.Return(reply{Code: 503, Body: "busy"}),
		motoretest.Return(reply{Code: 503, Body: "busy"}),
	)
	svc := br.Layer(inner)
	for _, want := range []int{200, 503, 503} {
		r, err := svc.Call(context.Background(), "x")
		require.NoError(t, err, "the response goes back to the caller unchanged")
		assert.Equal(t, want, r.Code)
	}
	assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
	r, err := svc.Call(context.Background(), "x")
	assert.ErrorIs(t, err, circuitbreaker.ErrOpen)
	assert.Zero(t, r)
}

func TestUnknownOutcomeCountsAsFailure(t *testing.T) {
	br := circuitbreaker.New[string, string](func(context.Context, string, error) circuitbreaker.Outcome { return 42 },
		circuitbreaker.WithConsecutiveFailures(1),
	)
	_, err := br.Layer(motoretest.NewScripted[string](motoretest.Return("ok"))).Call(context.Background(), "x")
	require.NoError(t, err)
	assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State)
}
