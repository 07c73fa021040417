package retry_test

import (
	"context"
	"testing"
	"time"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/motore"
)

// Peer comparisons (failsafe-go) live in the bench module; these measure
// the layers alone.

func benchCall(b *testing.B, ctx context.Context, mw motore.Middleware[*request, *request], inner motore.Service[*request, *request]) {
	svc, err := motore.Build(inner, mw)
	if err != nil {
		b.Fatal(err)
	}
	r := &request{}
	b.ReportAllocs()
	for b.Loop() {
		_, _ = svc.Call(ctx, r)
	}
}

// The path every healthy call takes: one attempt, which answers.
func BenchmarkNoRetry(b *testing.B) {
	deadline, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	b.Run("bare", func(b *testing.B) {
		benchCall(b, context.Background(), motore.Identity[*request, *request](), echoReq())
	})
	b.Run("defaults", func(b *testing.B) {
		benchCall(b, context.Background(), retry.New[*request, *request](nil), echoReq())
	})
	b.Run("deadline", func(b *testing.B) {
		benchCall(b, deadline, retry.New[*request, *request](nil), echoReq())
	})
	b.Run("throttle", func(b *testing.B) {
		benchCall(b, context.Background(), retry.New[*request, *request](nil, retry.WithBudget(retry.NewThrottle(10, 0.1))), echoReq())
	})
	b.Run("no-budget", func(b *testing.B) {
		benchCall(b, context.Background(), retry.New[*request, *request](nil, retry.WithoutBudget()), echoReq())
	})
}

func BenchmarkNoRetryParallel(b *testing.B) {
	svc, _ := motore.Build(echoReq(), retry.New[*request, *request](nil))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := &request{}
		for pb.Next() {
			_, _ = svc.Call(context.Background(), r)
		}
	})
}

// One failure never sent, then an answer: the retry path, without a wait.
func BenchmarkOneRetry(b *testing.B) {
	fail := true
	inner := motore.ServiceFn(func(_ context.Context, r *request) (*request, error) {
		fail = !fail
		if !fail {
			return nil, errNotSent
		}
		return r, nil
	})
	benchCall(b, context.Background(), retry.New[*request, *request](nil, retry.WithPolicy(retry.Policy{NoBackoff: true}), retry.WithoutBudget()), inner)
}

// A hedged method whose first attempt answers before the hedge is due.
func BenchmarkHedgeNotSent(b *testing.B) {
	benchCall(b, context.Background(), retry.New[*request, *request](nil, retry.WithPolicy(retry.Policy{HedgeAfter: time.Hour})), echoReq())
}

func BenchmarkShedAdmitted(b *testing.B) {
	benchCall(b, context.Background(), retry.Shed[*request, *request](retry.WithMaxInFlight(1000)), echoReq())
}
