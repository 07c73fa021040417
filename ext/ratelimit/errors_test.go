package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
)

func TestLimitedError(t *testing.T) {
	tests := []struct {
		err     *ratelimit.LimitedError
		msg     string
		hint    time.Duration
		hasHint bool
	}{
		{&ratelimit.LimitedError{Limiter: "rate", RetryAfter: 3 * time.Millisecond}, "ratelimit: limited by rate, retry after 3ms", 3 * time.Millisecond, true},
		{&ratelimit.LimitedError{Limiter: "keyed rate", Key: "tenant\n1"}, `ratelimit: limited by keyed rate for key "tenant\n1"`, 0, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.msg, tt.err.Error())
		wrapped := fmt.Errorf("calling backend: %w", tt.err)
		assert.ErrorIs(t, wrapped, ratelimit.ErrLimited)
		d, ok := ratelimit.RetryAfter(wrapped)
		assert.Equal(t, tt.hint, d)
		assert.Equal(t, tt.hasHint, ok)
	}
	_, ok := ratelimit.RetryAfter(errors.New("other"))
	assert.False(t, ok)
	_, ok = ratelimit.RetryAfter(nil)
	assert.False(t, ok)
	assert.NotErrorIs(t, errors.New("other"), ratelimit.ErrLimited)
}

// A rejection says that the call was not made, through any wrapping, for
// layers that do not import this package (ext/discovery's balancer,
// ext/retry).
func TestLimitedErrorSaysNotSent(t *testing.T) {
	c := ratelimit.NewConcurrency[string, string](1)
	hold := make(chan struct{})
	svc := c.Layer(motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
		<-hold
		return req, nil
	}))
	done := make(chan error, 1)
	go func() {
		_, err := svc.Call(context.Background(), "first")
		done <- err
	}()
	require.Eventually(t, func() bool { return c.InFlight() == 1 }, 5*time.Second, time.Millisecond)
	_, err := svc.Call(context.Background(), "second")
	require.ErrorIs(t, err, ratelimit.ErrLimited)
	var ns interface{ NotSent() bool }
	require.ErrorAs(t, fmt.Errorf("attempt: %w", err), &ns)
	assert.True(t, ns.NotSent())
	close(hold)
	require.NoError(t, <-done)
}
