package ratelimit_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/ratelimit"
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
