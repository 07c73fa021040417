package circuitbreaker_test

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
)

// Zero or less means the default; only the Without... options turn a rule
// off, and a rate above 1 is lowered to its maximum.
func TestOptionsZeroMeansTheDefault(t *testing.T) {
	key := func(context.Context, string) string { return "" }
	const defaults = "circuitbreaker(5 consecutive, 50% of 20, in 10s, open 5s, probes 1)"
	tests := []struct {
		name string
		opts []circuitbreaker.BreakerOption
		want string
	}{
		{"defaults", nil, defaults},
		{"rate above one is one, zero samples the default", []circuitbreaker.BreakerOption{circuitbreaker.WithFailureRate(2, 0)},
			"circuitbreaker(5 consecutive, 100% of 20, in 10s, open 5s, probes 1)"},
		{"NaN, negative and zero rates are the default", []circuitbreaker.BreakerOption{
			circuitbreaker.WithFailureRate(math.NaN(), 0), circuitbreaker.WithFailureRate(-1, 0), circuitbreaker.WithFailureRate(0, 0)},
			defaults},
		{"zero failures, probes, timeout and window are the defaults", []circuitbreaker.BreakerOption{
			circuitbreaker.WithConsecutiveFailures(0), circuitbreaker.WithHalfOpenProbes(0),
			circuitbreaker.WithOpenTimeout(-time.Second), circuitbreaker.WithWindow(0, 0), circuitbreaker.WithWindow(-1, -1)},
			defaults},
		{"the Without options turn the rules off", []circuitbreaker.BreakerOption{
			circuitbreaker.WithoutFailureRate(), circuitbreaker.WithoutConsecutiveFailures()},
			"circuitbreaker(in 10s, open 5s, probes 1)"},
		{"a nil option is skipped", []circuitbreaker.BreakerOption{nil, circuitbreaker.WithName("x")},
			"circuitbreaker(x, 5 consecutive, 50% of 20, in 10s, open 5s, probes 1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, circuitbreaker.New[string, string](nil, tt.opts...).Describe())
		})
	}
	const groupDefaults = "circuitbreaker per key(5 consecutive, 50% of 20, in 10s, open 5s, probes 1, max 1024 keys, idle 10m0s)"
	assert.Equal(t, groupDefaults,
		circuitbreaker.NewGroup[string, string](key, nil, circuitbreaker.WithMaxKeys(0), circuitbreaker.WithIdleTimeout(0)).Describe())
	assert.Equal(t, groupDefaults,
		circuitbreaker.NewGroup[string, string](key, nil, circuitbreaker.WithMaxKeys(-1), circuitbreaker.WithIdleTimeout(-time.Second)).Describe())
	assert.Equal(t, "circuitbreaker per key(5 consecutive, 50% of 20, in 10s, open 5s, probes 1, max 1024 keys, no idle expiry)",
		circuitbreaker.NewGroup[string, string](key, nil, circuitbreaker.WithoutIdleTimeout()).Describe())
}

// TestEveryOptionReachesEveryConstructorThatReadsIt gives New and NewGroup
// every option each reads and checks the effect in the description (the
// hook is checked by its own tests); then it checks that no option has the
// type of a constructor that would ignore it, which is what makes passing
// it there a compile error.
func TestEveryOptionReachesEveryConstructorThatReadsIt(t *testing.T) {
	hook := circuitbreaker.WithOnStateChange(func(string, circuitbreaker.State, circuitbreaker.State) {})
	shared := []circuitbreaker.Option{
		circuitbreaker.WithConsecutiveFailures(3),
		circuitbreaker.WithFailureRate(0.25, 8),
		circuitbreaker.WithWindow(time.Minute, 6),
		circuitbreaker.WithOpenTimeout(time.Second),
		circuitbreaker.WithHalfOpenProbes(2),
		hook,
	}
	var breakerOpts []circuitbreaker.BreakerOption
	var groupOpts []circuitbreaker.GroupOption
	for _, o := range shared {
		breakerOpts = append(breakerOpts, o)
		groupOpts = append(groupOpts, o)
	}
	breakerOpts = append(breakerOpts, circuitbreaker.WithName("svc"))
	groupOpts = append(groupOpts, circuitbreaker.WithMaxKeys(9), circuitbreaker.WithIdleTimeout(time.Hour))

	br := circuitbreaker.New[string, string](nil, breakerOpts...)
	assert.Equal(t, "circuitbreaker(svc, 3 consecutive, 25% of 8, in 1m0s, open 1s, probes 2)", br.Describe())
	g := circuitbreaker.NewGroup[string, string](func(context.Context, string) string { return "" }, nil, groupOpts...)
	assert.Equal(t, "circuitbreaker per key(3 consecutive, 25% of 8, in 1m0s, open 1s, probes 2, max 9 keys, idle 1h0m0s)", g.Describe())
	_, err := motore.Build(motore.ServiceFn(func(_ context.Context, s string) (string, error) { return s, nil }),
		motore.Middleware[string, string](br), motore.Middleware[string, string](g))
	require.NoError(t, err)

	breaker, group := reflect.TypeFor[circuitbreaker.BreakerOption](), reflect.TypeFor[circuitbreaker.GroupOption]()
	for _, tc := range []struct {
		name           string
		opt            any
		breaker, group bool
	}{
		{"WithName", circuitbreaker.WithName(""), true, false},
		{"WithMaxKeys", circuitbreaker.WithMaxKeys(1), false, true},
		{"WithIdleTimeout", circuitbreaker.WithIdleTimeout(1), false, true},
		{"WithoutIdleTimeout", circuitbreaker.WithoutIdleTimeout(), false, true},
		{"WithConsecutiveFailures", circuitbreaker.WithConsecutiveFailures(1), true, true},
		{"WithoutConsecutiveFailures", circuitbreaker.WithoutConsecutiveFailures(), true, true},
		{"WithFailureRate", circuitbreaker.WithFailureRate(1, 1), true, true},
		{"WithoutFailureRate", circuitbreaker.WithoutFailureRate(), true, true},
		{"WithWindow", circuitbreaker.WithWindow(1, 1), true, true},
		{"WithOpenTimeout", circuitbreaker.WithOpenTimeout(1), true, true},
		{"WithHalfOpenProbes", circuitbreaker.WithHalfOpenProbes(1), true, true},
		{"WithOnStateChange", hook, true, true},
	} {
		typ := reflect.TypeOf(tc.opt)
		assert.Equal(t, tc.breaker, typ.Implements(breaker), "%s as a BreakerOption", tc.name)
		assert.Equal(t, tc.group, typ.Implements(group), "%s as a GroupOption", tc.name)
	}
}
