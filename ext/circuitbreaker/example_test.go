package circuitbreaker_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
)

// flaky fails every request for "down" and answers the others.
func flaky(_ context.Context, req string) (string, error) {
	if req == "down" {
		return "", errors.New("connection refused")
	}
	return "hello " + req, nil
}

func ExampleNew() {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithName("greeter"),
		circuitbreaker.WithConsecutiveFailures(2),
		circuitbreaker.WithOpenTimeout(30*time.Second),
	)
	svc, err := motore.Build(motore.ServiceFn(flaky), br)
	if err != nil {
		panic(err)
	}
	for range 3 {
		_, err := svc.Call(context.Background(), "down")
		fmt.Println(err)
	}
	fmt.Println(br.Snapshot().State)
	// Output:
	// connection refused
	// connection refused
	// circuitbreaker: open (key "greeter")
	// open
}

func ExampleNewGroup() {
	// One breaker per method; here the request names the method.
	perMethod := circuitbreaker.NewGroup[string, string](
		func(_ context.Context, method string) string { return method }, nil,
		circuitbreaker.WithConsecutiveFailures(1),
	)
	svc, err := motore.Build(motore.ServiceFn(flaky), perMethod)
	if err != nil {
		panic(err)
	}
	for _, method := range []string{"down", "down", "world"} {
		fmt.Println(svc.Call(context.Background(), method))
	}
	for _, s := range perMethod.Snapshots() {
		fmt.Println(s.Key, s.State, s.Counts.Requests)
	}
	// Output:
	//  connection refused
	//  circuitbreaker: open (key "down")
	// hello world <nil>
	// down open 0
	// world closed 1
}

type addrKey struct{}

// Per instance: the load balancer that picks an instance leaves its address
// where the key function can read it; the breaker imports nothing of it.
func ExampleNewGroup_perInstance() {
	perInstance := circuitbreaker.NewGroup[string, string](
		func(ctx context.Context, _ string) string {
			addr, _ := ctx.Value(addrKey{}).(string)
			return addr
		}, nil,
		circuitbreaker.WithMaxKeys(256),
		circuitbreaker.WithIdleTimeout(5*time.Minute),
	)
	svc := perInstance.Layer(motore.ServiceFn(flaky))
	ctx := context.WithValue(context.Background(), addrKey{}, "10.0.0.7:8888")
	fmt.Println(svc.Call(ctx, "world"))
	fmt.Println(perInstance.Len())
	// Output:
	// hello world <nil>
	// 1
}

func ExampleGroup_Remove() {
	g := circuitbreaker.NewGroup[string, string](func(_ context.Context, req string) string { return req }, nil)
	svc := g.Layer(motore.ServiceFn(flaky))
	_, _ = svc.Call(context.Background(), "10.0.0.7:8888")
	// Discovery says the instance left: forget its breaker.
	fmt.Println(g.Remove("10.0.0.7:8888"), g.Len())
	// Output: true 0
}

// reply carries a status of its own, as many RPC replies do.
type status struct{ Code int }

func ExampleClassifier() {
	// A reply that says "unavailable" is a failure even without an error.
	unavailable := func(ctx context.Context, resp status, err error) circuitbreaker.Outcome {
		if err == nil && resp.Code == 503 {
			return circuitbreaker.Failure
		}
		return circuitbreaker.ClassifyError(ctx, err)
	}
	br := circuitbreaker.New[string, status](unavailable, circuitbreaker.WithConsecutiveFailures(2))
	svc := br.Layer(motore.ServiceFn(func(context.Context, string) (status, error) {
		return status{Code: 503}, nil
	}))
	for range 3 {
		fmt.Println(svc.Call(context.Background(), "x"))
	}
	// Output:
	// {503} <nil>
	// {503} <nil>
	// {0} circuitbreaker: open
}

func ExampleMarkBusiness() {
	errNoFunds := errors.New("insufficient funds")
	br := circuitbreaker.New[string, string](nil, circuitbreaker.WithConsecutiveFailures(1))
	svc := br.Layer(motore.ServiceFn(func(context.Context, string) (string, error) {
		// The service works; the answer is just "no".
		return "", circuitbreaker.MarkBusiness(errNoFunds)
	}))
	for range 3 {
		_, err := svc.Call(context.Background(), "pay")
		fmt.Println(err, errors.Is(err, errNoFunds))
	}
	s := br.Snapshot()
	fmt.Println(s.State, s.Counts.Ignored)
	// Output:
	// insufficient funds true
	// insufficient funds true
	// insufficient funds true
	// closed 3
}

func ExampleClassifyError() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fmt.Println(circuitbreaker.ClassifyError(context.Background(), nil))
	fmt.Println(circuitbreaker.ClassifyError(context.Background(), context.DeadlineExceeded))
	fmt.Println(circuitbreaker.ClassifyError(ctx, context.Canceled))
	// Output:
	// success
	// failure
	// ignored
}

func ExampleWithOnStateChange() {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithName("greeter"),
		circuitbreaker.WithConsecutiveFailures(1),
		circuitbreaker.WithOnStateChange(func(key string, from, to circuitbreaker.State) {
			// Runs under the breaker's lock: record, do not call back.
			fmt.Printf("%s: %v -> %v\n", key, from, to)
		}),
	)
	_, _ = br.Layer(motore.ServiceFn(flaky)).Call(context.Background(), "down")
	// Output: greeter: closed -> open
}

func ExampleRejectedError() {
	br := circuitbreaker.New[string, string](nil, circuitbreaker.WithName("greeter"), circuitbreaker.WithConsecutiveFailures(1))
	svc := br.Layer(motore.ServiceFn(flaky))
	_, _ = svc.Call(context.Background(), "down")
	_, err := svc.Call(context.Background(), "down")
	var rej *circuitbreaker.RejectedError
	if errors.As(err, &rej) {
		fmt.Println(rej.Key, errors.Is(err, circuitbreaker.ErrOpen))
	}
	// Output: greeter true
}

// The trip policy, window, open timeout and probes together; Describe
// shows the policy a stack was built with.
func ExampleWithFailureRate() {
	br := circuitbreaker.New[string, string](nil,
		circuitbreaker.WithConsecutiveFailures(10),
		circuitbreaker.WithFailureRate(0.25, 100),
		circuitbreaker.WithWindow(30*time.Second, 6),
		circuitbreaker.WithOpenTimeout(2*time.Second),
		circuitbreaker.WithHalfOpenProbes(3),
	)
	svc, _ := motore.Build(motore.ServiceFn(flaky), br)
	fmt.Println(motore.Describe(svc))
	// Output: circuitbreaker(10 consecutive, 25% of 100, in 30s, open 2s, probes 3) -> circuitbreaker_test.flaky
}

// Zero means the default, never off: a rule is turned off by its Without
// option.
func ExampleWithoutFailureRate() {
	fmt.Println(circuitbreaker.New[string, string](nil, circuitbreaker.WithFailureRate(0, 0)).Describe())
	fmt.Println(circuitbreaker.New[string, string](nil, circuitbreaker.WithoutFailureRate()).Describe())
	// Output:
	// circuitbreaker(5 consecutive, 50% of 20, in 10s, open 5s, probes 1)
	// circuitbreaker(5 consecutive, in 10s, open 5s, probes 1)
}
