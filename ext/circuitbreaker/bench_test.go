package circuitbreaker_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
)

// Peer comparisons (go-kit, bare gobreaker) live in the bench module; these
// measure the layers alone.

func benchCall(b *testing.B, svc motore.Service[*req, *req], ctx context.Context) {
	r := &req{id: 1}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = svc.Call(ctx, r)
	}
}

func BenchmarkBreakerClosed(b *testing.B) {
	b.Run("rolling", func(b *testing.B) {
		benchCall(b, circuitbreaker.New[*req, *req](nil).Layer(echoReq()), context.Background())
	})
	b.Run("fixed", func(b *testing.B) {
		benchCall(b, circuitbreaker.New[*req, *req](nil, circuitbreaker.WithWindow(10*time.Second, 1)).Layer(echoReq()), context.Background())
	})
	b.Run("classifier", func(b *testing.B) {
		svc := circuitbreaker.New[*req, *req](func(ctx context.Context, r *req, err error) circuitbreaker.Outcome {
			if r != nil && r.id < 0 {
				return circuitbreaker.Failure
			}
			return circuitbreaker.ClassifyError(ctx, err)
		}).Layer(echoReq())
		benchCall(b, svc, context.Background())
	})
}

type benchKey struct{}

func keyFromCtx(ctx context.Context, _ *req) string {
	s, _ := ctx.Value(benchKey{}).(*string)
	return *s
}

func BenchmarkGroupClosed(b *testing.B) {
	for _, n := range []int{1, 1000} {
		b.Run("keys="+strconv.Itoa(n), func(b *testing.B) {
			g := circuitbreaker.NewGroup[*req, *req](keyFromCtx, nil, circuitbreaker.WithMaxKeys(n))
			svc := g.Layer(echoReq())
			var ctx context.Context
			for i := range n {
				k := "svc/Method" + strconv.Itoa(i)
				ctx = context.WithValue(context.Background(), benchKey{}, &k)
				_, _ = svc.Call(ctx, &req{})
			}
			benchCall(b, svc, ctx)
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	br := circuitbreaker.New[*req, *req](nil, circuitbreaker.WithConsecutiveFailures(1), circuitbreaker.WithOpenTimeout(time.Hour))
	svc := br.Layer(motore.ServiceFn(func(context.Context, *req) (*req, error) { return nil, errDown }))
	_, _ = svc.Call(context.Background(), nil)
	if br.Snapshot().State != circuitbreaker.StateOpen {
		b.Fatal("breaker did not open")
	}
	benchCall(b, svc, context.Background())
}

// BenchmarkGroupNewKeys is the slow path: every call brings a key the group
// has not seen, so it adds one and evicts one.
func BenchmarkGroupNewKeys(b *testing.B) {
	g := circuitbreaker.NewGroup[*req, *req](keyFromCtx, nil, circuitbreaker.WithMaxKeys(64))
	svc := g.Layer(echoReq())
	keys := make([]context.Context, 1024)
	for i := range keys {
		k := strconv.Itoa(i)
		keys[i] = context.WithValue(context.Background(), benchKey{}, &k)
	}
	r := &req{}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_, _ = svc.Call(keys[i%len(keys)], r)
		i++
	}
	if g.Len() > 64 {
		b.Fatalf("group holds %d keys, above its bound", g.Len())
	}
}
