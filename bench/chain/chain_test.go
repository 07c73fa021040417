package chain

import (
	"context"
	"strconv"
	"testing"

	"github.com/go-kit/kit/endpoint"
	grpcmw "github.com/grpc-ecosystem/go-grpc-middleware"
	"google.golang.org/grpc"

	"github.com/govolo/volo/bench/internal/cputime"
	"github.com/govolo/volo/motore"
)

// Req is a pointer request; Big is a 64-byte value request and response.
type (
	Req struct{ ID int64 }
	Big struct{ A, B, C, D, E, F, G, H int64 }
)

var depths = []int{1, 5, 10}

// pass is a pass-through motore layer written the way extension modules
// write theirs: a struct with an interface-typed next.
type pass[Req, Resp any] struct{ next motore.Service[Req, Resp] }

func (p *pass[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	return p.next.Call(ctx, req)
}

func motoreStack[Req, Resp any](n int, inner motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	mws := make([]motore.Middleware[Req, Resp], n)
	for i := range mws {
		mws[i] = motore.LayerFn(func(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
			return &pass[Req, Resp]{next: next}
		})
	}
	svc, err := motore.Build(inner, mws...)
	if err != nil {
		panic(err)
	}
	return svc
}

// motoreFnStack writes each layer as a MiddlewareFn closure, the shortest
// way a user writes one.
func motoreFnStack(n int, inner motore.Service[*Req, *Req]) motore.Service[*Req, *Req] {
	mws := make([]motore.Middleware[*Req, *Req], n)
	for i := range mws {
		mws[i] = motore.MiddlewareFn("pass", func(ctx context.Context, req *Req, next motore.Service[*Req, *Req]) (*Req, error) {
			return next.Call(ctx, req)
		})
	}
	svc, err := motore.Build(inner, mws...)
	if err != nil {
		panic(err)
	}
	return svc
}

// plainBig is a pass-through layer for Big written by hand, without
// generics or motore: what any layer taking and returning a 64-byte value
// costs in Go, the floor for motore's value-struct figures.
type plainBig struct {
	next interface {
		Call(context.Context, Big) (Big, error)
	}
}

func (p *plainBig) Call(ctx context.Context, req Big) (Big, error) {
	return p.next.Call(ctx, req)
}

func plainStack(n int, inner motore.Service[Big, Big]) motore.Service[Big, Big] {
	var svc motore.Service[Big, Big] = inner
	for range n {
		svc = &plainBig{next: svc}
	}
	return svc
}

func gokitChain(n int, inner endpoint.Endpoint) endpoint.Endpoint {
	mw := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) { return next(ctx, req) }
	}
	others := make([]endpoint.Middleware, n-1)
	for i := range others {
		others[i] = mw
	}
	return endpoint.Chain(mw, others...)(inner)
}

func grpcChain(n int) grpc.UnaryServerInterceptor {
	ics := make([]grpc.UnaryServerInterceptor, n)
	for i := range ics {
		ics[i] = func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
			return handler(ctx, req)
		}
	}
	return grpcmw.ChainUnaryServer(ics...)
}

func BenchmarkPointer(b *testing.B) {
	ctx := context.Background()
	req := &Req{ID: 1}
	for _, n := range depths {
		layers := "layers=" + strconv.Itoa(n)
		svc := motoreStack(n, motore.ServiceFn(func(_ context.Context, r *Req) (*Req, error) { return r, nil }))
		b.Run("motore/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = svc.Call(ctx, req)
			}
		})
		fn := motoreFnStack(n, motore.ServiceFn(func(_ context.Context, r *Req) (*Req, error) { return r, nil }))
		b.Run("motore-fn/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = fn.Call(ctx, req)
			}
		})
		ep := gokitChain(n, func(_ context.Context, r any) (any, error) { return r, nil })
		b.Run("gokit/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = ep(ctx, req)
			}
		})
		chained := grpcChain(n)
		info := &grpc.UnaryServerInfo{FullMethod: "/bench.Service/Call"}
		handler := func(_ context.Context, r any) (any, error) { return r, nil }
		b.Run("grpc-middleware/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = chained(ctx, req, info, handler)
			}
		})
	}
}

func BenchmarkInt(b *testing.B) {
	ctx := context.Background()
	for _, n := range depths {
		layers := "layers=" + strconv.Itoa(n)
		svc := motoreStack(n, motore.ServiceFn(func(_ context.Context, r int) (int, error) { return r, nil }))
		b.Run("motore/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = svc.Call(ctx, 7)
			}
		})
		ep := gokitChain(n, func(_ context.Context, r any) (any, error) { return r, nil })
		b.Run("gokit/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = ep(ctx, 7)
			}
		})
	}
}

func BenchmarkValue64(b *testing.B) {
	ctx := context.Background()
	req := Big{A: 1, H: 8}
	for _, n := range depths {
		layers := "layers=" + strconv.Itoa(n)
		svc := motoreStack(n, motore.ServiceFn(func(_ context.Context, r Big) (Big, error) { return r, nil }))
		b.Run("motore/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = svc.Call(ctx, req)
			}
		})
		plain := plainStack(n, motore.ServiceFn(func(_ context.Context, r Big) (Big, error) { return r, nil }))
		b.Run("plain-go/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = plain.Call(ctx, req)
			}
		})
		ep := gokitChain(n, func(_ context.Context, r any) (any, error) { return r, nil })
		b.Run("gokit/"+layers, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				resp, _ := ep(ctx, req)
				_ = resp.(Big)
			}
		})
	}
}

// TestStacksAnswer checks that every stack under comparison does the work
// it is measured for: the request comes back unchanged.
func TestStacksAnswer(t *testing.T) {
	ctx := context.Background()
	req := &Req{ID: 42}
	for _, n := range depths {
		if got, _ := motoreStack(n, motore.ServiceFn(func(_ context.Context, r *Req) (*Req, error) { return r, nil })).Call(ctx, req); got != req {
			t.Fatalf("motore %d: got %v", n, got)
		}
		if got, _ := motoreFnStack(n, motore.ServiceFn(func(_ context.Context, r *Req) (*Req, error) { return r, nil })).Call(ctx, req); got != req {
			t.Fatalf("motore-fn %d: got %v", n, got)
		}
		if got, _ := gokitChain(n, func(_ context.Context, r any) (any, error) { return r, nil })(ctx, req); got != req {
			t.Fatalf("gokit %d: got %v", n, got)
		}
		got, _ := grpcChain(n)(ctx, req, &grpc.UnaryServerInfo{}, func(_ context.Context, r any) (any, error) { return r, nil })
		if got != req {
			t.Fatalf("grpc-middleware %d: got %v", n, got)
		}
		if got, _ := motoreStack(n, motore.ServiceFn(func(_ context.Context, r Big) (Big, error) { return r, nil })).Call(ctx, Big{H: 9}); got.H != 9 {
			t.Fatalf("motore value %d: got %v", n, got)
		}
		if got, _ := plainStack(n, motore.ServiceFn(func(_ context.Context, r Big) (Big, error) { return r, nil })).Call(ctx, Big{H: 9}); got.H != 9 {
			t.Fatalf("plain value %d: got %v", n, got)
		}
	}
}
