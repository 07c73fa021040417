package ratelimit_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
)

// The peer comparison (go-kit, bare rate.Limiter) lives in the bench module;
// these measure each layer of this package on its own.

func benchCall(b *testing.B, svc motore.Service[string, string]) {
	ctx := context.Background()
	b.ReportAllocs()
	stop := cpuTimer(b)
	for b.Loop() {
		_, _ = svc.Call(ctx, "req")
	}
	stop()
}

func benchParallel(b *testing.B, svc motore.Service[string, string]) {
	ctx := context.Background()
	b.ReportAllocs()
	stop := cpuTimer(b)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = svc.Call(ctx, "req")
		}
	})
	stop()
}

func BenchmarkRate(b *testing.B) {
	b.Run("admitted", func(b *testing.B) {
		benchCall(b, ratelimit.Rate[string, string](rate.NewLimiter(rate.Limit(1e12), 1<<40)).Layer(echo()))
	})
	b.Run("rejected", func(b *testing.B) {
		lim := rate.NewLimiter(rate.Limit(1e-9), 1)
		lim.Allow()
		benchCall(b, ratelimit.Rate[string, string](lim).Layer(echo()))
	})
	b.Run("admitted-parallel", func(b *testing.B) {
		benchParallel(b, ratelimit.Rate[string, string](rate.NewLimiter(rate.Limit(1e12), 1<<40)).Layer(echo()))
	})
}

func BenchmarkKeyed(b *testing.B) {
	b.Run("held-key", func(b *testing.B) {
		benchCall(b, ratelimit.NewKeyed[string, string](byReq, rate.Limit(1e12), 1<<30).Layer(echo()))
	})
	b.Run("held-key-parallel", func(b *testing.B) {
		benchParallel(b, ratelimit.NewKeyed[string, string](byReq, rate.Limit(1e12), 1<<30).Layer(echo()))
	})
	// Every call brings a key never seen, at the key bound: each one evicts
	// the least recently used key.
	b.Run("fresh-key-evicting", func(b *testing.B) {
		keys := make([]string, 1<<16)
		for i := range keys {
			keys[i] = strconv.Itoa(i)
		}
		svc := ratelimit.NewKeyed[string, string](byReq, 100, 10, ratelimit.WithMaxKeys(1000)).Layer(echo())
		ctx := context.Background()
		b.ReportAllocs()
		stop := cpuTimer(b)
		i := 0
		for b.Loop() {
			_, _ = svc.Call(ctx, keys[i&(len(keys)-1)])
			i++
		}
		stop()
	})
}

func BenchmarkConcurrency(b *testing.B) {
	b.Run("admitted", func(b *testing.B) {
		benchCall(b, ratelimit.NewConcurrency[string, string](1<<20).Layer(echo()))
	})
	b.Run("admitted-parallel", func(b *testing.B) {
		benchParallel(b, ratelimit.NewConcurrency[string, string](1<<20).Layer(echo()))
	})
}

func BenchmarkAdaptive(b *testing.B) {
	for name, alg := range map[string]func() ratelimit.Algorithm{
		"aimd":     func() ratelimit.Algorithm { return ratelimit.AIMD(ratelimit.AIMDConfig{}) },
		"gradient": func() ratelimit.Algorithm { return ratelimit.Gradient(ratelimit.GradientConfig{}) },
	} {
		b.Run(name, func(b *testing.B) {
			benchCall(b, ratelimit.NewAdaptive[string, string](alg()).Layer(echo()))
		})
		b.Run(name+"-parallel", func(b *testing.B) {
			benchParallel(b, ratelimit.NewAdaptive[string, string](alg()).Layer(echo()))
		})
	}
}

// BenchmarkRateAccuracy measures what the fake-clock tests cannot: how close
// callers that never pause come to a limit of 1000/s on the wall clock of
// this machine. "rate-share" is the admitted calls per second of wall time
// over the limit; 1 is exact, and a loaded machine, whose callers miss
// tokens while they are not running, gives less.
func BenchmarkRateAccuracy(b *testing.B) {
	for _, mode := range []struct {
		name string
		opts []ratelimit.RateOption
	}{
		{"reject", nil},
		{"wait", []ratelimit.RateOption{ratelimit.WithWait(0)}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			var admitted atomic.Int64
			svc := ratelimit.Rate[string, string](rate.NewLimiter(1000, 1), mode.opts...).Layer(
				motore.ServiceFn(func(context.Context, string) (string, error) {
					admitted.Add(1)
					return "", nil
				}))
			ctx := context.Background()
			b.ReportAllocs()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					_, _ = svc.Call(ctx, "req")
				}
			})
			b.ReportMetric(float64(admitted.Load())/time.Since(start).Seconds()/1000, "rate-share")
		})
	}
}
