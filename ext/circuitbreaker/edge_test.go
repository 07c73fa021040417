package circuitbreaker_test

import (
	"context"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestWindowBucketsAreBounded(t *testing.T) {
	tests := map[string]struct {
		window  time.Duration
		buckets int
	}{
		"longest window, most buckets": {math.MaxInt64, math.MaxInt},
		"a year in milliseconds":       {365 * 24 * time.Hour, math.MaxInt},
		"an hour in a million buckets": {time.Hour, 1_000_000},
		"negative buckets":             {math.MaxInt64, math.MinInt},
		"negative window":              {math.MinInt64, math.MaxInt},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var br *circuitbreaker.Breaker[string, string]
			n := allocated(func() {
				br = circuitbreaker.New[string, string](nil,
					circuitbreaker.WithWindow(tt.window, tt.buckets),
					circuitbreaker.WithConsecutiveFailures(2),
					circuitbreaker.WithOpenTimeout(time.Hour),
				)
			})
			assert.Less(t, n, uint64(1<<20), "a breaker's window stays small")

			svc := br.Layer(failing())
			for range 2 {
				_, err := svc.Call(context.Background(), "x")
				require.ErrorIs(t, err, errDown)
			}
			assert.Equal(t, circuitbreaker.StateOpen, br.Snapshot().State, "the breaker still counts and trips")
		})
	}
}
