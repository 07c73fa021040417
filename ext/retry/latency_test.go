package retry_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/retry"
)

// Every value falls in a bucket whose top is at or above it, within about
// 6%, and buckets grow with values.
func TestHistogramBuckets(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	prev := -1
	for v := int64(0); v < 1<<20; v += 1 + v/64 {
		b := retry.BucketOf(v)
		assert.GreaterOrEqual(t, b, prev)
		prev = b
	}
	for range 100000 {
		v := r.Int64N(int64(10 * time.Minute))
		top := retry.BucketTop(retry.BucketOf(v))
		require.GreaterOrEqual(t, top, v)
		require.LessOrEqual(t, float64(top-v), float64(v)/16+1, "v=%d top=%d", v, top)
	}
	assert.Equal(t, retry.BucketOf(int64(time.Hour)), retry.BucketOf(int64(100*time.Hour)), "longer values share the last bucket")
}

// The percentile follows the latency of the window: when calls slow
// down, hedges wait longer.
func TestHedgePercentileFollowsLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var lat time.Duration
		inner := &scripted{lat: func(int64) time.Duration { return lat }}
		var d decisions
		svc := hedged(t, inner, retry.WithPolicy(retry.Policy{HedgePercentile: 50}), retry.WithMaxExtraLoad(1),
			retry.WithLatencyWindow(2*time.Second), retry.WithOnDecision(d.hook))
		calls := func(n int, l time.Duration) {
			lat = l
			for range n {
				_, err := svc.Call(context.Background(), &request{})
				require.NoError(t, err)
			}
		}
		calls(99, 10*time.Millisecond)
		assert.Empty(t, d.reasons(), "no hedge before 100 samples")
		calls(1, 10*time.Millisecond)
		// Now every call runs as long as the median: exactly at the
		// bucket's top, so no hedge fires.
		calls(10, 10*time.Millisecond)
		assert.Empty(t, d.reasons())
		// Slower calls are hedged after the old median at first...
		calls(1, 20*time.Millisecond)
		require.Equal(t, []retry.Reason{retry.ReasonHedged}, d.reasons())
		assert.InDelta(t, float64(10*time.Millisecond), float64(d.ds[0].Delay), float64(time.Millisecond))
		// ... and once the window has moved on, after the new one. A
		// window without calls forgets what it knew.
		time.Sleep(3 * time.Second)
		d = decisions{}
		calls(150, 20*time.Millisecond)
		assert.Empty(t, d.reasons())
		calls(1, 40*time.Millisecond)
		require.Equal(t, []retry.Reason{retry.ReasonHedged}, d.reasons())
		assert.InDelta(t, float64(20*time.Millisecond), float64(d.ds[0].Delay), float64(2*time.Millisecond))
	})
}
