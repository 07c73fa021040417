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
)

// An RPC framework reads a rejection's status code by name, without
// importing this package.
func TestRejectionHasAnRPCCode(t *testing.T) {
	var err error = fmt.Errorf("call: %w", &circuitbreaker.RejectedError{Err: circuitbreaker.ErrOpen})
	var c interface{ RPCCode() string }
	assert.True(t, errors.As(err, &c))
	assert.Equal(t, "unavailable", c.RPCCode())
}

// notSent is how layers that do not import this package (ext/discovery's
// balancer, ext/retry) learn that a rejected call was never made.
type notSent interface{ NotSent() bool }

// Both rejections, open and half-open with every probe slot taken, say
// that the call was not made, through any wrapping; an error of a call
// that ran does not.
func TestRejectionsSayNotSent(t *testing.T) {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOpenTimeout(openTimeout),
	)
	g := newGate(nil)
	sw := &switchable{down: true, next: g}
	svc := br.Layer(sw)

	_, err := svc.Call(context.Background(), "bad")
	require.ErrorIs(t, err, errDown)
	var ns notSent
	assert.False(t, errors.As(err, &ns), "the failure of a call that ran")

	_, err = svc.Call(context.Background(), "rejected")
	require.ErrorIs(t, err, circuitbreaker.ErrOpen)
	require.ErrorAs(t, fmt.Errorf("attempt: %w", err), &ns)
	assert.True(t, ns.NotSent(), "open")

	waitState(t, br.Snapshot, circuitbreaker.StateHalfOpen)
	sw.set(false)
	probe := make(chan error, 1)
	go func() {
		_, err := svc.Call(context.Background(), "probe")
		probe <- err
	}()
	require.Eventually(t, func() bool { _, n := g.counts(); return n == 1 }, waitFor, time.Millisecond)
	_, err = svc.Call(context.Background(), "extra")
	require.ErrorIs(t, err, circuitbreaker.ErrTooManyRequests)
	require.ErrorAs(t, err, &ns)
	assert.True(t, ns.NotSent(), "half-open, no probe slot")
	g.open()
	assert.NoError(t, <-probe)
}
