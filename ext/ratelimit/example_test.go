package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

func hello() motore.Service[string, string] {
	return motore.ServiceFn(func(_ context.Context, name string) (string, error) {
		return "hello, " + name, nil
	})
}

func ExampleRate() {
	// One call a second, two at once: the caller keeps the limiter and may
	// change it at run time with SetLimit and SetBurst.
	lim := rate.NewLimiter(1, 2)
	svc, _ := motore.Build(motoretest.NewRecorder(hello()), ratelimit.Rate[string, string](lim))
	for _, name := range []string{"a", "b", "c"} {
		resp, err := svc.Call(context.Background(), name)
		if d, ok := ratelimit.RetryAfter(err); ok {
			fmt.Printf("%v, retry after about %v\n", errors.Is(err, ratelimit.ErrLimited), d.Round(time.Second))
			continue
		}
		fmt.Println(resp)
	}
	fmt.Println(motore.Describe(svc))
	// Output:
	// hello, a
	// hello, b
	// true, retry after about 1s
	// ratelimit(1/s, burst 2) -> recorder
}

func ExampleWithWait() {
	// Wait for a token rather than fail, but never past 200ms.
	lim := rate.NewLimiter(rate.Every(10*time.Millisecond), 1)
	svc := ratelimit.Rate[string, string](lim, ratelimit.WithWait(200*time.Millisecond)).Layer(hello())
	for _, name := range []string{"a", "b", "c"} {
		fmt.Println(svc.Call(context.Background(), name))
	}
	// Output:
	// hello, a <nil>
	// hello, b <nil>
	// hello, c <nil>
}

func ExampleNewKeyed() {
	type request struct{ tenant, body string }
	byTenant := func(_ context.Context, req request) string { return req.tenant }
	perTenant := ratelimit.NewKeyed[request, string](byTenant, rate.Every(time.Minute), 1,
		ratelimit.WithMaxKeys(10_000),
		ratelimit.WithOnReject(func(_ context.Context, e ratelimit.LimitedError) {
			fmt.Println("rejected", e.Key)
		}))
	svc := perTenant.Layer(motore.ServiceFn(func(_ context.Context, req request) (string, error) {
		return req.tenant + ": " + req.body, nil
	}))
	for _, req := range []request{{"acme", "one"}, {"acme", "two"}, {"globex", "one"}} {
		if resp, err := svc.Call(context.Background(), req); err == nil {
			fmt.Println(resp)
		}
	}
	fmt.Println(perTenant.Len(), "tenants held")
	// Output:
	// acme: one
	// rejected acme
	// globex: one
	// 2 tenants held
}

func ExampleNewConcurrency() {
	started, release := make(chan struct{}), make(chan struct{})
	slow := motore.ServiceFn(func(_ context.Context, name string) (string, error) {
		close(started)
		<-release
		return "done " + name, nil
	})
	lim := ratelimit.NewConcurrency[string, string](1)
	svc := lim.Layer(slow)

	first := make(chan string)
	go func() {
		resp, _ := svc.Call(context.Background(), "first")
		first <- resp
	}()
	<-started
	_, err := svc.Call(context.Background(), "second")
	fmt.Println(lim.InFlight(), errors.Is(err, ratelimit.ErrLimited))
	close(release)
	fmt.Println(<-first)
	// Output:
	// 1 true
	// done first
}

func ExampleWithQueue() {
	lim := ratelimit.NewConcurrency[string, string](2, ratelimit.WithQueue(100, 50*time.Millisecond))
	fmt.Println(lim.Describe())
	// Output: concurrency(2, queue 100 up to 50ms)
}

func ExampleNewAdaptive() {
	// A backend that times out: each timeout is an overload signal.
	backend := motoretest.NewScripted[string](motoretest.Fail[string](context.DeadlineExceeded)).RepeatLast()
	lim := ratelimit.NewAdaptive[string, string](ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 20}))
	svc := lim.Layer(backend)
	for range 3 {
		_, _ = svc.Call(context.Background(), "req")
		fmt.Println("limit", lim.Limit())
	}
	// Output:
	// limit 18
	// limit 16
	// limit 14
}

func ExampleAIMD() {
	alg := ratelimit.AIMD(ratelimit.AIMDConfig{InitialLimit: 10, Threshold: 100 * time.Millisecond})
	fmt.Println(alg.Update(ratelimit.Sample{RTT: 20 * time.Millisecond, InFlight: 10}))  // grows by 1/limit
	fmt.Println(alg.Update(ratelimit.Sample{RTT: 300 * time.Millisecond, InFlight: 10})) // too slow: backs off
	// Output:
	// 10
	// 9
}

func ExampleGradient() {
	alg := ratelimit.Gradient(ratelimit.GradientConfig{InitialLimit: 20})
	limit := alg.InitialLimit()
	for range 50 { // steady latency, callers using the whole limit: room to grow
		limit = alg.Update(ratelimit.Sample{RTT: 10 * time.Millisecond, InFlight: limit})
	}
	grown := limit
	for range 20 { // latency doubles: the limit shrinks
		limit = alg.Update(ratelimit.Sample{RTT: 40 * time.Millisecond, InFlight: limit})
	}
	fmt.Println(grown > 20, limit < grown)
	// Output: true true
}

func ExampleRetryAfter() {
	err := fmt.Errorf("calling inventory: %w", &ratelimit.LimitedError{Limiter: "rate", RetryAfter: 250 * time.Millisecond})
	if d, ok := ratelimit.RetryAfter(err); ok {
		fmt.Println("back off for", d)
	}
	// Output: back off for 250ms
}
