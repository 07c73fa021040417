package retry_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/failsafe-go/failsafe-go"
	"github.com/failsafe-go/failsafe-go/budget"
	"github.com/failsafe-go/failsafe-go/hedgepolicy"
	"github.com/failsafe-go/failsafe-go/retrypolicy"

	"github.com/govolo/volo/bench/internal/cputime"
	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/motore"
)

// Req is the request and response of every service here: a pointer, as a
// generated RPC message would be.
type Req struct{ ID int64 }

func echo(_ context.Context, r *Req) (*Req, error) { return r, nil }

// errRefused is a failure to connect: never sent, so both libraries retry
// it (volo by its NotSent method, failsafe-go because every error is
// retried by default).
type refused struct{}

func (refused) Error() string { return "connection refused" }
func (refused) NotSent() bool { return true }

var errRefused error = refused{}

func build(inner motore.Service[*Req, *Req], mw motore.Middleware[*Req, *Req]) motore.Service[*Req, *Req] {
	svc, err := motore.Build(inner, mw)
	if err != nil {
		panic(err)
	}
	return svc
}

// failsafeService is failsafe-go's policy around the same service, the way
// a user wraps a call with it: the executor is built once, and each call
// runs a closure over the context and request.
type failsafeService struct {
	exec failsafe.Executor[*Req]
	next motore.Service[*Req, *Req]
}

func (s *failsafeService) Call(ctx context.Context, r *Req) (*Req, error) {
	return s.exec.Get(func() (*Req, error) { return s.next.Call(ctx, r) })
}

// failsafeCtxService also hands the call's context to failsafe-go, which
// then stops retrying when it ends, as volo's layer does.
type failsafeCtxService struct {
	exec failsafe.Executor[*Req]
	next motore.Service[*Req, *Req]
}

func (s *failsafeCtxService) Call(ctx context.Context, r *Req) (*Req, error) {
	return s.exec.WithContext(ctx).GetWithExecution(func(e failsafe.Execution[*Req]) (*Req, error) {
		return s.next.Call(e.Context(), r)
	})
}

// backoff is the same policy for both: 3 attempts, backoff from 10ms to 1s
// (volo's draws each wait with full jitter; failsafe-go's adds 50%
// jitter).
func voloRetry(opts ...retry.RetryOption) motore.Middleware[*Req, *Req] {
	return retry.New[*Req, *Req](nil, append([]retry.RetryOption{retry.WithPolicy(retry.Policy{MaxAttempts: 3})}, opts...)...)
}

func failsafePolicy() retrypolicy.RetryPolicy[*Req] {
	return retrypolicy.NewBuilder[*Req]().WithMaxAttempts(3).WithBackoff(10*time.Millisecond, time.Second).WithJitterFactor(0.5).Build()
}

// withDeadline has a deadline and no timer: a call with a deadline, without
// the cost of making one per benchmark.
type withDeadline struct {
	context.Context
	at time.Time
}

func (c withDeadline) Deadline() (time.Time, bool) { return c.at, true }

type target struct {
	name string
	svc  motore.Service[*Req, *Req]
	ctx  context.Context
}

func noRetryTargets(inner motore.Service[*Req, *Req]) []target {
	bg := context.Background()
	deadline := withDeadline{bg, time.Now().Add(time.Hour)}
	withBudget := retrypolicy.NewBuilder[*Req]().WithMaxAttempts(3).WithBackoff(10*time.Millisecond, time.Second).
		WithJitterFactor(0.5).WithBudget(budget.New()).Build()
	return []target{
		{"bare", inner, bg},
		{"volo", build(inner, voloRetry()), bg},
		{"volo-deadline", build(inner, voloRetry()), deadline},
		{"volo-throttle", build(inner, voloRetry(retry.WithBudget(retry.NewThrottle(10, 0.1)))), bg},
		{"failsafe", &failsafeService{exec: failsafe.With(failsafePolicy()), next: inner}, bg},
		{"failsafe-context", &failsafeCtxService{exec: failsafe.With(failsafePolicy()), next: inner}, deadline},
		{"failsafe-budget", &failsafeService{exec: failsafe.With(withBudget), next: inner}, bg},
	}
}

// BenchmarkNoRetry is a call whose first attempt answers.
func BenchmarkNoRetry(b *testing.B) {
	r := &Req{ID: 1}
	for _, t := range noRetryTargets(motore.ServiceFn(echo)) {
		b.Run(t.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = t.svc.Call(t.ctx, r)
			}
		})
	}
}

// BenchmarkNoRetryParallel is the same call from every core at once, where
// the budget is shared.
func BenchmarkNoRetryParallel(b *testing.B) {
	for _, t := range noRetryTargets(motore.ServiceFn(echo)) {
		b.Run(t.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				r := &Req{ID: 1}
				for pb.Next() {
					_, _ = t.svc.Call(t.ctx, r)
				}
			})
		})
	}
}

// BenchmarkOneRetry is a call whose first attempt is refused and whose
// second answers, with no wait between them, so that the figures are the
// libraries' own work.
func BenchmarkOneRetry(b *testing.B) {
	r := &Req{ID: 1}
	var n int
	flaky := motore.ServiceFn(func(_ context.Context, r *Req) (*Req, error) {
		n++
		if n%2 == 1 {
			return nil, errRefused
		}
		return r, nil
	})
	volo := build(flaky, retry.New[*Req, *Req](nil, retry.WithPolicy(retry.Policy{MaxAttempts: 3, NoBackoff: true}), retry.WithoutBudget()))
	fs := &failsafeService{exec: failsafe.With(retrypolicy.NewBuilder[*Req]().WithMaxAttempts(3).Build()), next: flaky}
	for _, t := range []target{{"volo", volo, nil}, {"failsafe", fs, nil}} {
		b.Run(t.name, func(b *testing.B) {
			n = 0
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				if _, err := t.svc.Call(context.Background(), r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHedgeNotSent is a hedged call whose first attempt answers long
// before the hedge is due: the cost of being ready to hedge.
func BenchmarkHedgeNotSent(b *testing.B) {
	r := &Req{ID: 1}
	volo := build(motore.ServiceFn(echo), retry.New[*Req, *Req](nil, retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgeAfter: time.Hour})))
	fs := &failsafeCtxService{exec: failsafe.With[*Req](hedgepolicy.NewWithDelay[*Req](time.Hour)), next: motore.ServiceFn(echo)}
	for _, t := range []target{{"volo", volo, nil}, {"failsafe", fs, nil}} {
		b.Run(t.name, func(b *testing.B) {
			b.ReportAllocs()
			defer cputime.Start(b)()
			for b.Loop() {
				_, _ = t.svc.Call(context.Background(), r)
			}
		})
	}
}

// The path where no retry happens allocates nothing in volo's layer, as
// the benchmark reports; failsafe-go's allocates per call.
func TestNoRetryPathAllocations(t *testing.T) {
	r := &Req{ID: 1}
	for _, tg := range noRetryTargets(motore.ServiceFn(echo)) {
		allocs := testing.AllocsPerRun(1000, func() {
			if _, err := tg.svc.Call(tg.ctx, r); err != nil {
				t.Fatal(err)
			}
		})
		switch tg.name {
		case "bare", "volo", "volo-deadline", "volo-throttle":
			if allocs != 0 {
				t.Errorf("%s: %v allocations per call, want 0", tg.name, allocs)
			}
		default:
			t.Logf("%s: %v allocations per call", tg.name, allocs)
		}
	}
}

// Both retry a refused call and give up after three attempts.
func TestSamePolicy(t *testing.T) {
	for _, tg := range noRetryTargets(motore.ServiceFn(func(context.Context, *Req) (*Req, error) { return nil, errRefused })) {
		if tg.name == "bare" {
			continue
		}
		_, err := tg.svc.Call(tg.ctx, &Req{})
		if !errors.Is(err, errRefused) {
			t.Errorf("%s: %v", tg.name, err)
		}
	}
}
