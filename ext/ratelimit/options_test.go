package ratelimit_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
)

// TestEveryOptionReachesEveryConstructorThatReadsIt gives each constructor
// every option it reads and checks, in the layer's description, that each
// took effect (the idle timeout, the classifier and the hook do not show
// there; their own tests cover them); then it checks that no option has the type of a constructor
// that would ignore it, which is what makes passing it there a compile error.
func TestEveryOptionReachesEveryConstructorThatReadsIt(t *testing.T) {
	onReject := ratelimit.WithOnReject(func(context.Context, ratelimit.LimitedError) {})

	rateMW := ratelimit.Rate[string, string](rate.NewLimiter(10, 1), ratelimit.WithWait(time.Second), onReject)
	keyed := ratelimit.NewKeyed[string, string](byReq, 10, 1,
		ratelimit.WithWait(time.Second), onReject, ratelimit.WithMaxKeys(7), ratelimit.WithIdleTimeout(time.Hour))
	conc := ratelimit.NewConcurrency[string, string](3, ratelimit.WithQueue(5, time.Second), ratelimit.WithLIFO(), onReject)
	adaptive := ratelimit.NewAdaptive[string, string](nil, ratelimit.WithQueue(5, time.Second), ratelimit.WithLIFO(), onReject,
		ratelimit.WithClassifier(ratelimit.DefaultClassifier))

	svc, err := motore.Build(echo(), rateMW, keyed, conc, adaptive)
	require.NoError(t, err)
	layers := motore.Layers(svc)
	require.Len(t, layers, 5)
	assert.Contains(t, layers[0], "wait up to 1s")
	assert.Contains(t, layers[1], "wait up to 1s")
	assert.Contains(t, layers[1], "max 7 keys")
	assert.Contains(t, layers[2], "queue 5 up to 1s, lifo")
	assert.Contains(t, layers[3], "queue 5 up to 1s, lifo")

	for _, tc := range []struct {
		name    string
		opt     any
		readers []reflect.Type
	}{
		{"WithWait", ratelimit.WithWait(0), types[ratelimit.RateOption, ratelimit.KeyedOption]()},
		{"WithMaxKeys", ratelimit.WithMaxKeys(1), types[ratelimit.KeyedOption, ratelimit.KeyedOption]()},
		{"WithIdleTimeout", ratelimit.WithIdleTimeout(1), types[ratelimit.KeyedOption, ratelimit.KeyedOption]()},
		{"WithQueue", ratelimit.WithQueue(1, 0), types[ratelimit.ConcurrencyOption, ratelimit.AdaptiveOption]()},
		{"WithLIFO", ratelimit.WithLIFO(), types[ratelimit.ConcurrencyOption, ratelimit.AdaptiveOption]()},
		{"WithClassifier", ratelimit.WithClassifier(nil), types[ratelimit.AdaptiveOption, ratelimit.AdaptiveOption]()},
		{"WithOnReject", onReject, allOptionTypes},
	} {
		got := reflect.TypeOf(tc.opt)
		for _, it := range allOptionTypes {
			want := false
			for _, r := range tc.readers {
				want = want || r == it
			}
			assert.Equal(t, want, got.Implements(it), "%s as a %v", tc.name, it)
		}
	}
}

var allOptionTypes = append(types[ratelimit.RateOption, ratelimit.KeyedOption](),
	types[ratelimit.ConcurrencyOption, ratelimit.AdaptiveOption]()...)

func types[A, B any]() []reflect.Type {
	a, b := reflect.TypeFor[A](), reflect.TypeFor[B]()
	if a == b {
		return []reflect.Type{a}
	}
	return []reflect.Type{a, b}
}
