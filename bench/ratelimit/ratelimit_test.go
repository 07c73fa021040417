package ratelimit

import (
	"context"
	"testing"

	"github.com/go-kit/kit/endpoint"
	kitrl "github.com/go-kit/kit/ratelimit"
	"golang.org/x/time/rate"

	"github.com/govolo/volo/bench/internal/cputime"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
)

// Req is the request and response of every benchmarked call.
type Req struct{ ID int64 }

// admitting never runs out of tokens, yet takes the limiter's full
// accounting path (rate.Inf would skip it).
func admitting() *rate.Limiter { return rate.NewLimiter(rate.Limit(1e12), 1<<40) }

// rejecting holds one token, taken before the benchmark starts, and earns
// the next after about 30 years.
func rejecting() *rate.Limiter {
	lim := rate.NewLimiter(rate.Limit(1e-9), 1)
	lim.Allow()
	return lim
}

// handler is a motore service written as a type, the form of a generated
// or hand-written RPC handler.
type handler struct{}

func (handler) Call(_ context.Context, req *Req) (*Req, error) { return req, nil }

// voloService puts the Rate layer over a handler type; fn instead puts it
// over a motore.ServiceFn closure, which costs one more call of its own.
func voloService(lim *rate.Limiter, fn bool) motore.Service[*Req, *Req] {
	var inner motore.Service[*Req, *Req] = handler{}
	if fn {
		inner = motore.ServiceFn(func(_ context.Context, req *Req) (*Req, error) { return req, nil })
	}
	svc, err := motore.Build(inner, ratelimit.Rate[*Req, *Req](lim))
	if err != nil {
		panic(err)
	}
	return svc
}

func kitEndpoint(lim *rate.Limiter) endpoint.Endpoint {
	inner := func(_ context.Context, req any) (any, error) { return req, nil }
	return kitrl.NewErroringLimiter(lim)(inner)
}

// bench runs the three contenders over limiters made by mk; admitted tells
// whether every call must pass or every call must fail.
func bench(b *testing.B, mk func() *rate.Limiter, admitted bool) {
	check := func(b *testing.B, err error) {
		if (err == nil) != admitted {
			b.Fatalf("unexpected result: %v", err)
		}
	}
	b.Run("impl=bare-allow", func(b *testing.B) {
		lim := mk()
		b.ReportAllocs()
		stop := cputime.Start(b)
		for b.Loop() {
			if lim.Allow() != admitted {
				b.Fatal("unexpected result")
			}
		}
		stop()
	})
	for name, fn := range map[string]bool{"impl=volo": false, "impl=volo-servicefn": true} {
		b.Run(name, func(b *testing.B) {
			svc, ctx, req := voloService(mk(), fn), context.Background(), &Req{ID: 1}
			b.ReportAllocs()
			stop := cputime.Start(b)
			for b.Loop() {
				_, err := svc.Call(ctx, req)
				check(b, err)
			}
			stop()
		})
	}
	b.Run("impl=gokit", func(b *testing.B) {
		ep, ctx, req := kitEndpoint(mk()), context.Background(), &Req{ID: 1}
		b.ReportAllocs()
		stop := cputime.Start(b)
		for b.Loop() {
			_, err := ep(ctx, req)
			check(b, err)
		}
		stop()
	})
}

func BenchmarkAdmitted(b *testing.B) { bench(b, admitting, true) }

func BenchmarkRejected(b *testing.B) { bench(b, rejecting, false) }

// BenchmarkAdmittedParallel shares one limiter between all goroutines, as a
// server shares one between its connections.
func BenchmarkAdmittedParallel(b *testing.B) {
	b.Run("impl=bare-allow", func(b *testing.B) {
		lim := admitting()
		b.ReportAllocs()
		stop := cputime.Start(b)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				lim.Allow()
			}
		})
		stop()
	})
	b.Run("impl=volo", func(b *testing.B) {
		svc, ctx := voloService(admitting(), false), context.Background()
		b.ReportAllocs()
		stop := cputime.Start(b)
		b.RunParallel(func(pb *testing.PB) {
			req := &Req{ID: 1}
			for pb.Next() {
				_, _ = svc.Call(ctx, req)
			}
		})
		stop()
	})
	b.Run("impl=gokit", func(b *testing.B) {
		ep, ctx := kitEndpoint(admitting()), context.Background()
		b.ReportAllocs()
		stop := cputime.Start(b)
		b.RunParallel(func(pb *testing.PB) {
			req := &Req{ID: 1}
			for pb.Next() {
				_, _ = ep(ctx, req)
			}
		})
		stop()
	})
}

// The three contenders must agree on what they admit, or the figures compare
// different work.
func TestContendersAgree(t *testing.T) {
	ctx, req := context.Background(), &Req{ID: 1}
	for _, tc := range []struct {
		name string
		mk   func() *rate.Limiter
		want bool
	}{{"admitting", admitting, true}, {"rejecting", rejecting, false}} {
		svc, fn, ep, lim := voloService(tc.mk(), false), voloService(tc.mk(), true), kitEndpoint(tc.mk()), tc.mk()
		for range 100 {
			_, voloErr := svc.Call(ctx, req)
			if _, fnErr := fn.Call(ctx, req); (fnErr == nil) != (voloErr == nil) {
				t.Fatalf("%s: volo over a handler and over a ServiceFn disagree", tc.name)
			}
			_, kitErr := ep(ctx, req)
			if lim.Allow() != tc.want || (voloErr == nil) != tc.want || (kitErr == nil) != tc.want {
				t.Fatalf("%s: bare, volo and go-kit disagree: volo %v, go-kit %v", tc.name, voloErr, kitErr)
			}
		}
	}
}
