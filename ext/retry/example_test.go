package retry_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// refused is what a transport returns when it could not connect: the call
// was never sent, which its NotSent method says.
type refused struct{}

func (refused) Error() string { return "connection refused" }
func (refused) NotSent() bool { return true }

// unavailable is a status a server sent, with its RPC code.
type unavailable struct{}

func (unavailable) Error() string   { return "server: unavailable" }
func (unavailable) RPCCode() string { return "unavailable" }

// flakyService fails its first calls with err, then answers.
type flakyService struct {
	n, fails int
	err      error
}

func flaky(fails int, err error) motore.Service[string, string] {
	return &flakyService{fails: fails, err: err}
}

func (f *flakyService) Call(_ context.Context, req string) (string, error) {
	f.n++
	if f.n <= f.fails {
		return "", f.err
	}
	return fmt.Sprintf("hello %s (attempt %d)", req, f.n), nil
}

func (f *flakyService) Describe() string { return "flaky" }

func ExampleNew() {
	svc, err := motore.Build(flaky(2, refused{}), retry.New[string, string](nil,
		retry.WithPolicy(retry.Policy{MaxAttempts: 3, InitialBackoff: time.Millisecond}),
	))
	if err != nil {
		panic(err)
	}
	fmt.Println(svc.Call(context.Background(), "world"))
	// Output: hello world (attempt 3) <nil>
}

// Hedging: when the first attempt has not answered after HedgeAfter, a
// second one is sent; the first answer wins and the other is cancelled.
func ExampleNew_hedging() {
	slowFirst := motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
		if _, hedge := retry.Retried(ctx); !hedge {
			<-ctx.Done() // the first attempt is stuck until the hedge wins
			return "", ctx.Err()
		}
		return req + ", from the hedge", nil
	})
	svc, _ := motore.Build(slowFirst, retry.New[string, string](nil,
		retry.WithPolicy(retry.Policy{MaxAttempts: 2, HedgeAfter: 10 * time.Millisecond}),
		retry.WithMaxExtraLoad(1), // for the example: hedge the first call
	))
	fmt.Println(svc.Call(context.Background(), "answer"))
	// Output: answer, from the hedge <nil>
}

// Policies per method: reads are idempotent and hedged after their p99,
// writes are retried only when they were never sent.
func ExampleNewFor() {
	reqs := retry.Requests[string]{
		Method: func(_ context.Context, req string) string { return req },
		Policies: map[string]retry.Policy{
			"Get": {MaxAttempts: 3, Idempotent: true, HedgePercentile: 99, HedgeAfter: 5 * time.Millisecond},
		},
		Clone: func(req string) string { return req }, // a string needs no copy; a *thrift.Call does
	}
	mw := retry.NewFor(reqs, retry.Classifier[string](nil),
		retry.WithPolicy(retry.Policy{MaxAttempts: 2}),
	)
	svc, _ := motore.Build(flaky(0, nil), mw)
	fmt.Println(motore.Describe(svc))
	// Output: retry(2 attempts, backoff 10ms..1s; Get: 3 attempts, backoff 10ms..1s, hedge after p99 (at least 5ms); budget(20% + 10/s over 10s); extra load 5%) -> flaky
}

func ExampleWithOnDecision() {
	hook := func(_ context.Context, d retry.Decision) {
		fmt.Printf("%v after attempt %d: %v\n", d.Reason, d.Attempt, d.Err)
	}
	svc, _ := motore.Build(flaky(5, refused{}), retry.New[string, string](nil,
		retry.WithPolicy(retry.Policy{MaxAttempts: 2, NoBackoff: true}),
		retry.WithOnDecision(hook),
	))
	_, err := svc.Call(context.Background(), "world")
	fmt.Println(err)
	// Output:
	// retried after attempt 1: connection refused
	// attempts_exhausted after attempt 2: connection refused
	// retry: attempts exhausted after 2 attempts: connection refused
}

// A call given up on says so to every caller above: it is an
// "overloaded, do not retry" error, whose RPC code a server sends on.
func ExampleError() {
	svc, _ := motore.Build(flaky(5, refused{}), retry.New[string, string](nil,
		retry.WithPolicy(retry.Policy{MaxAttempts: 2, NoBackoff: true}),
	))
	_, err := svc.Call(context.Background(), "world")
	var re *retry.Error
	fmt.Println(errors.As(err, &re), re.Attempts, errors.Is(err, retry.ErrAttemptsExhausted), errors.Is(err, refused{}))
	fmt.Println(retry.DoNotRetry(err), retry.CodeOf(err))
	// Output:
	// true 2 true true
	// true resource_exhausted
}

// A server reads whether the request it serves is a retry: a layer of this
// package in its own client then does not retry again (chain stop).
func ExampleRetried() {
	// What a server's context holds after a retried request arrived.
	ctx := metainfo.WithPersistentValue(context.Background(), retry.MetainfoKey, "1")
	fmt.Println(retry.Retried(ctx))

	calls := 0
	down := motore.ServiceFn(func(context.Context, string) (string, error) { calls++; return "", refused{} })
	svc, _ := motore.Build(down, retry.New[string, string](nil))
	_, err := svc.Call(ctx, "downstream")
	fmt.Println(calls, errors.Is(err, retry.ErrChainStopped))
	// Output:
	// 1 true
	// 1 true
}

func ExampleRetryOnCodes() {
	svc, _ := motore.Build(flaky(1, unavailable{}), retry.New[string, string](retry.RetryOnCodes[string]("unavailable"),
		retry.WithPolicy(retry.Policy{NoBackoff: true}),
	))
	fmt.Println(svc.Call(context.Background(), "world"))
	// Output: hello world (attempt 2) <nil>
}

// A budget bounds the retries to a target that fails every call: here, one
// retry per two calls, while a policy alone would retry each call twice.
func ExampleNewBudget() {
	attempts := 0
	down := motore.ServiceFn(func(context.Context, string) (string, error) { attempts++; return "", refused{} })
	budget := retry.NewBudget(10*time.Second, 0, 0.5) // share it between the layers calling one target
	svc, _ := motore.Build(down, retry.New[string, string](nil,
		retry.WithPolicy(retry.Policy{MaxAttempts: 3, NoBackoff: true}),
		retry.WithBudget(budget),
	))
	for range 10 {
		_, _ = svc.Call(context.Background(), "x")
	}
	fmt.Println(attempts, budget)
	// Output: 15 budget(50% + 0/s over 10s)
}

func ExampleDefaultBudget() {
	fmt.Println(retry.DefaultBudget())
	// Output: budget(20% + 10/s over 10s)
}

// gRPC's throttling: retries stop once half the tokens are gone, and come
// back as calls succeed again.
func ExampleNewThrottle() {
	attempts := 0
	down := motore.ServiceFn(func(context.Context, string) (string, error) { attempts++; return "", refused{} })
	svc, _ := motore.Build(down, retry.New[string, string](nil,
		retry.WithPolicy(retry.Policy{MaxAttempts: 3, NoBackoff: true}),
		retry.WithBudget(retry.NewThrottle(10, 0.1)),
	))
	for range 10 {
		_, _ = svc.Call(context.Background(), "x")
	}
	// 10 tokens, one less per failure: 3 attempts (7 left), 2 (5 left),
	// then no retry.
	fmt.Println(attempts)
	// Output: 13
}

// Shed refuses at once when the service below is full, and a retry layer
// above does not retry the refusal.
func ExampleShed() {
	full := func() bool { return false } // for example, lim.Tokens() >= 1
	svc, _ := motore.Build(flaky(0, nil),
		retry.New[string, string](nil),
		retry.Shed[string, string](retry.WithReady(full), retry.WithMaxInFlight(100)),
	)
	_, err := svc.Call(context.Background(), "x")
	fmt.Println(err, errors.Is(err, retry.ErrShed), retry.CodeOf(err))
	fmt.Println(motore.Describe(svc))
	// Output:
	// retry: shed: the service is at capacity true resource_exhausted
	// retry(3 attempts, backoff 10ms..1s; budget(20% + 10/s over 10s)) -> shed(max 100 in flight, ready) -> flaky
}
