package retry_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/motore"
)

type fullCapacity struct{}

func (fullCapacity) InFlight() int { return 1 }
func (fullCapacity) Limit() int    { return 1 }

// TestEveryOptionReachesEveryConstructorThatReadsIt gives New and Shed every
// option each reads and checks its effect where the description shows it
// (the hook, chain and overload stops and the clone have their own tests);
// then it checks that no option has the type of a constructor that would
// ignore it, which is what makes passing it there a compile error.
func TestEveryOptionReachesEveryConstructorThatReadsIt(t *testing.T) {
	hook := retry.WithOnDecision(func(context.Context, retry.Decision) {})
	method := func(_ context.Context, req string) string { return req }
	reqs := retry.Requests[string]{
		Method:   method,
		Policies: map[string]retry.Policy{"Get": {MaxAttempts: 4}},
		Clone:    func(s string) string { return s },
	}
	svc := build(t, &counter{}, retry.NewFor(reqs, retry.Classifier[string](nil),
		retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgePercentile: 95}),
		retry.WithBudget(retry.NewThrottle(10, 0.1)),
		retry.WithoutChainStop(),
		retry.WithoutOverloadStop(),
		hook,
		retry.WithMaxExtraLoad(0.5),
		retry.WithLatencyWindow(time.Minute),
	))
	desc := motore.Describe(svc)
	assert.Contains(t, desc, "Get: 4 attempts")
	assert.Contains(t, desc, "throttle(10 tokens, ratio 0.1)")
	assert.Contains(t, desc, "extra load 50%")

	shed := build(t, &counter{}, retry.Shed[string, string](
		retry.WithMaxInFlight(3), retry.WithCapacity(fullCapacity{}), retry.WithReady(func() bool { return true }), hook))
	assert.Contains(t, motore.Describe(shed), "shed(max 3 in flight, capacity, ready)")
	_, err := shed.Call(context.Background(), "x")
	assert.ErrorIs(t, err, retry.ErrShed, "the full capacity refuses the call")

	retryT, shedT := reflect.TypeFor[retry.RetryOption](), reflect.TypeFor[retry.ShedOption]()
	for _, tc := range []struct {
		name        string
		opt         any
		retry, shed bool
	}{
		{"WithPolicy", retry.WithPolicy(retry.Policy{}), true, false},
		{"WithBudget", retry.WithBudget(nil), true, false},
		{"WithoutBudget", retry.WithoutBudget(), true, false},
		{"WithoutChainStop", retry.WithoutChainStop(), true, false},
		{"WithoutOverloadStop", retry.WithoutOverloadStop(), true, false},
		{"WithMaxExtraLoad", retry.WithMaxExtraLoad(0), true, false},
		{"WithLatencyWindow", retry.WithLatencyWindow(0), true, false},
		{"WithOnDecision", hook, true, true},
		{"WithMaxInFlight", retry.WithMaxInFlight(0), false, true},
		{"WithCapacity", retry.WithCapacity(nil), false, true},
		{"WithReady", retry.WithReady(nil), false, true},
	} {
		typ := reflect.TypeOf(tc.opt)
		assert.Equal(t, tc.retry, typ.Implements(retryT), "%s as a RetryOption", tc.name)
		assert.Equal(t, tc.shed, typ.Implements(shedT), "%s as a ShedOption", tc.name)
	}
}

// Zero or less, and nil, mean the default.
func TestOptionsZeroMeansTheDefault(t *testing.T) {
	hedging := retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgePercentile: 95})
	for _, opts := range [][]retry.RetryOption{
		{hedging},
		{hedging, retry.WithMaxExtraLoad(0), retry.WithLatencyWindow(0), retry.WithBudget(nil)},
		{hedging, retry.WithMaxExtraLoad(-1), retry.WithLatencyWindow(-time.Second)},
	} {
		desc := motore.Describe(build(t, &counter{}, retry.New[string, string](nil, opts...)))
		assert.Contains(t, desc, "extra load 5%")
		assert.Contains(t, desc, "budget(20% + 10/s over 10s)")
	}
	assert.Equal(t, "shed()", motore.Layers(build(t, &counter{}, retry.Shed[string, string](retry.WithMaxInFlight(0))))[0])
}
