package circuitbreaker_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	kitcb "github.com/go-kit/kit/circuitbreaker"
	"github.com/go-kit/kit/endpoint"
	gobreakerv1 "github.com/sony/gobreaker"
	gobreakerv2 "github.com/sony/gobreaker/v2"

	"github.com/govolo/volo/bench/internal/cputime"
	volocb "github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
)

// Req is the request and response of every service here: a pointer, as a
// generated RPC message would be, so go-kit's interface{} costs nothing extra.
type Req struct{ ID int64 }

var errDown = errors.New("down")

func echo(_ context.Context, r *Req) (*Req, error) { return r, nil }

func echoAny(_ context.Context, r any) (any, error) { return r, nil }

func failAny(context.Context, any) (any, error) { return nil, errDown }

// neverTrip keeps every breaker closed for the closed-path benchmarks.
func neverTripV1() gobreakerv1.Settings {
	return gobreakerv1.Settings{ReadyToTrip: func(gobreakerv1.Counts) bool { return false }}
}

// gobreakerV2 is gobreaker v2 wrapped by hand the way a user would, as a
// floor for what a layer over it can cost.
type gobreakerV2 struct {
	cb   *gobreakerv2.CircuitBreaker[*Req]
	next motore.Service[*Req, *Req]
}

func (s *gobreakerV2) Call(ctx context.Context, r *Req) (*Req, error) {
	return s.cb.Execute(func() (*Req, error) { return s.next.Call(ctx, r) })
}

func build(mw motore.Middleware[*Req, *Req]) motore.Service[*Req, *Req] {
	svc, err := motore.Build(motore.ServiceFn(echo), mw)
	if err != nil {
		panic(err)
	}
	return svc
}

// keyOf is a per-method key function that reads a key computed up front, so
// the benchmarks measure the lookup and not the key's construction.
type keyed struct{ key string }

type keyCtx struct{}

func keyOf(ctx context.Context, _ *Req) string {
	k, _ := ctx.Value(keyCtx{}).(*keyed)
	return k.key
}

// group returns a group holding n keys and a context that selects one of
// them.
func group(n int) (motore.Service[*Req, *Req], context.Context) {
	g := volocb.NewGroup[*Req, *Req](keyOf, nil, volocb.WithMaxKeys(n))
	svc := build(g)
	var ctx context.Context
	for i := range n {
		ctx = context.WithValue(context.Background(), keyCtx{}, &keyed{key: "svc/Method" + strconv.Itoa(i)})
		if _, err := svc.Call(ctx, &Req{}); err != nil {
			panic(err)
		}
	}
	return svc, ctx
}

type target struct {
	name string
	call func(ctx context.Context, r *Req) (any, error)
	ctx  context.Context
}

func closedTargets() []target {
	volo := build(volocb.New[*Req, *Req](nil))
	// One bucket: counts reset every 10s instead of rolling, closer to what
	// go-kit's breaker (v1, no interval) does per call.
	fixed := build(volocb.New[*Req, *Req](nil, volocb.WithWindow(10*time.Second, 1)))
	kit := kitcb.Gobreaker(gobreakerv1.NewCircuitBreaker(neverTripV1()))(endpoint.Endpoint(echoAny))
	raw := &gobreakerV2{cb: gobreakerv2.NewCircuitBreaker[*Req](gobreakerv2.Settings{}), next: motore.ServiceFn(echo)}
	g1, ctx1 := group(1)
	g1k, ctx1k := group(1000)
	// The key function alone, without a breaker, so the group's own cost
	// can be told apart from the key function's.
	keyOnly := build(motore.MiddlewareFn("key", func(ctx context.Context, r *Req, next motore.Service[*Req, *Req]) (*Req, error) {
		_ = keyOf(ctx, r)
		return next.Call(ctx, r)
	}))
	bg := context.Background()
	return []target{
		{"volo", func(ctx context.Context, r *Req) (any, error) { return volo.Call(ctx, r) }, bg},
		{"volo-fixed-window", func(ctx context.Context, r *Req) (any, error) { return fixed.Call(ctx, r) }, bg},
		{"gokit", func(ctx context.Context, r *Req) (any, error) { return kit(ctx, r) }, bg},
		{"gobreaker-v2", func(ctx context.Context, r *Req) (any, error) { return raw.Call(ctx, r) }, bg},
		{"volo-keyfunc-only", func(ctx context.Context, r *Req) (any, error) { return keyOnly.Call(ctx, r) }, ctx1},
		{"volo-group-1key", func(ctx context.Context, r *Req) (any, error) { return g1.Call(ctx, r) }, ctx1},
		{"volo-group-1000keys", func(ctx context.Context, r *Req) (any, error) { return g1k.Call(ctx, r) }, ctx1k},
	}
}

// BenchmarkClosed is a successful call through a closed breaker.
func BenchmarkClosed(b *testing.B) {
	r := &Req{ID: 1}
	for _, t := range closedTargets() {
		b.Run(t.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = t.call(t.ctx, r)
			}
		})
	}
}

// BenchmarkClosedParallel is the same call from every core at once, where
// the breaker's lock is shared.
func BenchmarkClosedParallel(b *testing.B) {
	for _, t := range closedTargets() {
		b.Run(t.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				r := &Req{ID: 1}
				for pb.Next() {
					_, _ = t.call(t.ctx, r)
				}
			})
		})
	}
}

// BenchmarkOpen is a call rejected by an open breaker.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	r := &Req{ID: 1}

	volo := volocb.New[*Req, *Req](nil, volocb.WithConsecutiveFailures(1), volocb.WithOpenTimeout(time.Hour)).
		Layer(motore.ServiceFn(func(context.Context, *Req) (*Req, error) { return nil, errDown }))
	kit := kitcb.Gobreaker(gobreakerv1.NewCircuitBreaker(gobreakerv1.Settings{
		Timeout:     time.Hour,
		ReadyToTrip: func(c gobreakerv1.Counts) bool { return c.ConsecutiveFailures >= 1 },
	}))(endpoint.Endpoint(failAny))
	_, _ = volo.Call(ctx, r)
	_, _ = kit(ctx, r)
	if _, err := volo.Call(ctx, r); !errors.Is(err, volocb.ErrOpen) {
		b.Fatalf("volo breaker not open: %v", err)
	}
	if _, err := kit(ctx, r); !errors.Is(err, gobreakerv1.ErrOpenState) {
		b.Fatalf("go-kit breaker not open: %v", err)
	}

	b.Run("volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = volo.Call(ctx, r)
		}
	})
	b.Run("gokit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, _ = kit(ctx, r)
		}
	})
}
