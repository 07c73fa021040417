package circuitbreaker_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/circuitbreaker"
)

func TestOptionsClampBadValues(t *testing.T) {
	key := func(context.Context, string) string { return "" }
	tests := []struct {
		name string
		opts []circuitbreaker.Option
		want string
	}{
		{"defaults", nil,
			"circuitbreaker(5 consecutive, 50% of 20, in 10s, open 5s, probes 1)"},
		{"rate above one, no samples", []circuitbreaker.Option{circuitbreaker.WithFailureRate(2, 0)},
			"circuitbreaker(5 consecutive, 100% of 1, in 10s, open 5s, probes 1)"},
		{"NaN rate turns the rule off", []circuitbreaker.Option{circuitbreaker.WithFailureRate(math.NaN(), 10)},
			"circuitbreaker(5 consecutive, in 10s, open 5s, probes 1)"},
		{"negative rate turns the rule off", []circuitbreaker.Option{circuitbreaker.WithFailureRate(-1, 10), circuitbreaker.WithConsecutiveFailures(0)},
			"circuitbreaker(in 10s, open 5s, probes 1)"},
		{"zero probes, negative timeout, no window", []circuitbreaker.Option{
			circuitbreaker.WithHalfOpenProbes(0), circuitbreaker.WithOpenTimeout(-time.Second), circuitbreaker.WithWindow(0, 0)},
			"circuitbreaker(5 consecutive, 50% of 20, in 10s, open 5s, probes 1)"},
		{"a nil option is skipped", []circuitbreaker.Option{nil, circuitbreaker.WithName("x")},
			"circuitbreaker(x, 5 consecutive, 50% of 20, in 10s, open 5s, probes 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, circuitbreaker.New[string, string](tt.opts...).Describe())
		})
	}
	assert.Equal(t, "circuitbreaker per key(5 consecutive, 50% of 20, in 10s, open 5s, probes 1, max 1024 keys, idle 10m0s)",
		circuitbreaker.NewGroup[string](key, circuitbreaker.WithMaxKeys(0), circuitbreaker.WithIdleTimeout(10*time.Minute)).Describe())
	assert.Equal(t, "circuitbreaker per key(5 consecutive, 50% of 20, in 10s, open 5s, probes 1, max 1024 keys, no idle expiry)",
		circuitbreaker.NewGroup[string](key, circuitbreaker.WithIdleTimeout(-time.Second)).Describe())
}
