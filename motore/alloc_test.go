package motore_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/motore"
)

// big is a 64-byte value request and response.
type big struct{ a, b, c, d, e, f, g, h int64 }

// pass is a pass-through layer written as a struct, the way extension
// modules write theirs.
type pass[Req, Resp any] struct{ next motore.Service[Req, Resp] }

func (p *pass[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	return p.next.Call(ctx, req)
}

func passLayer[Req, Resp any]() motore.Middleware[Req, Resp] {
	return motore.LayerFn(func(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
		return &pass[Req, Resp]{next: next}
	})
}

func passFn[Req, Resp any]() motore.Middleware[Req, Resp] {
	return motore.MiddlewareFn("pass", func(ctx context.Context, req Req, next motore.Service[Req, Resp]) (Resp, error) {
		return next.Call(ctx, req)
	})
}

func chainOf[Req, Resp any](n int, mk func() motore.Middleware[Req, Resp], inner motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	mws := make([]motore.Middleware[Req, Resp], n)
	for i := range mws {
		mws[i] = mk()
	}
	return motore.Chain(mws...).Layer(inner)
}

func allocsOf[Req, Resp any](svc motore.Service[Req, Resp], req Req) float64 {
	ctx := context.Background()
	return testing.AllocsPerRun(1000, func() { _, _ = svc.Call(ctx, req) })
}

func TestTenLayerChainAllocatesNothing(t *testing.T) {
	ptrInner := motore.ServiceFn(func(_ context.Context, r *big) (*big, error) { return r, nil })
	intInner := motore.ServiceFn(func(_ context.Context, r int) (int, error) { return r + 1, nil })
	bigInner := motore.ServiceFn(func(_ context.Context, r big) (big, error) {
		r.a = r.b + r.c + r.d + r.e + r.f + r.g + r.h
		return r, nil
	})

	assert.Zero(t, allocsOf(chainOf(10, passLayer[*big, *big], ptrInner), &big{}), "struct layers, pointer")
	assert.Zero(t, allocsOf(chainOf(10, passLayer[int, int], intInner), 7), "struct layers, int")
	assert.Zero(t, allocsOf(chainOf(10, passLayer[big, big], bigInner), big{}), "struct layers, 64-byte value")
	assert.Zero(t, allocsOf(chainOf(10, passFn[*big, *big], ptrInner), &big{}), "MiddlewareFn, pointer")
	assert.Zero(t, allocsOf(chainOf(10, passFn[big, big], bigInner), big{}), "MiddlewareFn, 64-byte value")
}

func TestCombinatorsAllocateNothingOnTheHappyPath(t *testing.T) {
	inner := motore.ServiceFn(func(_ context.Context, r int) (int, error) { return r + 1, nil })
	svc, err := motore.NewBuilder[int, int]().
		Layer(motore.CatchPanic[int, int]()).
		Layer(motore.Filter[int](func(_ context.Context, r int) error {
			if r < 0 {
				return errors.New("negative")
			}
			return nil
		})).
		Layer(motore.MapErr[int, int](func(_ context.Context, err error) error { return err })).
		Layer(motore.MapRequest[int](func(_ context.Context, r int) int { return r * 2 })).
		Layer(motore.MapResponse[int](func(_ context.Context, r int) int { return r - 1 })).
		Layer(motore.AndThen[int](func(_ context.Context, r int) (int, error) { return r, nil })).
		Layer(motore.Timeout[int, int](0)).
		Layer(motore.Identity[int, int]()).
		Build(inner)
	require.NoError(t, err)
	assert.Zero(t, allocsOf(svc, 3))
	got, err := svc.Call(context.Background(), 3)
	require.NoError(t, err)
	assert.Equal(t, 6, got)
}

func BenchmarkChain(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1, 5, 10} {
		ptr := chainOf(n, passLayer[*big, *big], motore.ServiceFn(func(_ context.Context, r *big) (*big, error) { return r, nil }))
		b.Run("struct/ptr/layers="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			req := &big{}
			for b.Loop() {
				_, _ = ptr.Call(ctx, req)
			}
		})
		fn := chainOf(n, passFn[*big, *big], motore.ServiceFn(func(_ context.Context, r *big) (*big, error) { return r, nil }))
		b.Run("fn/ptr/layers="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			req := &big{}
			for b.Loop() {
				_, _ = fn.Call(ctx, req)
			}
		})
	}
}

func BenchmarkTimeout(b *testing.B) {
	svc := motore.Timeout[int, int](time.Second).Layer(motore.ServiceFn(func(_ context.Context, r int) (int, error) { return r, nil }))
	b.ReportAllocs()
	for b.Loop() {
		_, _ = svc.Call(context.Background(), 1)
	}
}
