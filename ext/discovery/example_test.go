package discovery_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
)

// transport stands for the layer that sends the request: it dials the
// instance the balancer put in the context.
func transport(ctx context.Context, req string) (string, error) {
	in, _ := discovery.InstanceFromContext(ctx)
	return req + " via " + in.Addr, nil
}

// A client stack: the load-balancing layer picks an instance per call for
// the transport below it.
func Example() {
	ctx := context.Background()
	d := discovery.NewStatic(discovery.Instance{Addr: "10.0.0.1:8888"}, discovery.Instance{Addr: "10.0.0.2:8888"})
	b, err := discovery.NewBalancer(ctx, d, "echo")
	if err != nil {
		panic(err)
	}
	defer b.Close()
	client, err := motore.NewBuilder[string, string]().
		Layer(motore.Timeout[string, string](time.Second)).
		Layer(discovery.LoadBalance[string, string](b, nil)).
		Build(motore.ServiceFn(transport))
	if err != nil {
		panic(err)
	}
	for range 3 {
		fmt.Println(client.Call(ctx, "ping"))
	}
	fmt.Println(motore.Describe(client))
	// Output:
	// ping via 10.0.0.1:8888 <nil>
	// ping via 10.0.0.2:8888 <nil>
	// ping via 10.0.0.1:8888 <nil>
	// timeout(1s) -> loadbalance(round_robin over "echo", retries 1) -> discovery_test.transport
}

func ExampleNewStatic() {
	d := discovery.NewStatic(discovery.Instance{Addr: "10.0.0.1:80"})
	w, _ := d.Watch(context.Background(), "any")
	defer w.Close()
	ins, _ := w.Next(context.Background())
	fmt.Println(len(ins), ins[0].Addr)

	d.Set(discovery.Instance{Addr: "10.0.0.1:80"}, discovery.Instance{Addr: "10.0.0.2:80", Weight: 50})
	ins, _ = w.Next(context.Background())
	fmt.Println(len(ins), ins[1].Addr, ins[1].Weight)
	// Output:
	// 1 10.0.0.1:80
	// 2 10.0.0.2:80 50
}

func ExampleNewDNS() {
	// A real client uses names ("api.internal:8080", or an SRV name such as
	// "_api._tcp.internal"); an address literal needs no DNS server here.
	d := discovery.NewDNS(discovery.WithRefresh(10 * time.Second))
	ins, err := d.Resolve(context.Background(), "127.0.0.1:8080")
	fmt.Println(ins, err)
	_, err = d.Resolve(context.Background(), "no-port")
	fmt.Println(errors.Is(err, discovery.ErrBadTarget))
	fmt.Println(d.Describe())
	// Output:
	// [{127.0.0.1:8080 100 map[]}] <nil>
	// true
	// dns(refresh 10s)
}

func ExampleNewBalancer() {
	d := discovery.NewStatic()
	b, err := discovery.NewBalancer(context.Background(), d, "echo")
	if err != nil {
		panic(err)
	}
	defer b.Close()
	_, err = b.Pick("")
	fmt.Println(err)

	d.Set(discovery.Instance{Addr: "10.0.0.1:80"})
	for len(b.Instances()) == 0 { // the update arrives in the background
		time.Sleep(time.Millisecond)
	}
	p, err := b.Pick("")
	fmt.Println(p.Instance().Addr, err)
	p.Done(nil) // report the end of the call
	// Output:
	// discovery: no instance available
	// 10.0.0.1:80 <nil>
}

func ExampleLoadBalance() {
	// Calls that fail to connect are retried on another instance; an
	// instance that keeps failing is ejected for a while.
	refused := "10.0.0.1:80"
	conn := motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
		in, _ := discovery.InstanceFromContext(ctx)
		if in.Addr == refused {
			return "", fmt.Errorf("dial %s: %w", in.Addr, discovery.ErrConnection)
		}
		return "ok from " + in.Addr, nil
	})
	d := discovery.NewStatic(discovery.Instance{Addr: refused}, discovery.Instance{Addr: "10.0.0.2:80"})
	b, _ := discovery.NewBalancer(context.Background(), d, "echo",
		discovery.WithRetries(1),
		discovery.WithOutlierDetection(2, time.Minute))
	defer b.Close()
	svc := discovery.LoadBalance[string, string](b, nil).Layer(conn)
	for range 3 {
		fmt.Println(svc.Call(context.Background(), "req"))
	}
	fmt.Println("ejected:", b.Ejected(refused))
	// Output:
	// ok from 10.0.0.2:80 <nil>
	// ok from 10.0.0.2:80 <nil>
	// ok from 10.0.0.2:80 <nil>
	// ejected: true
}

func ExampleInstanceFromContext() {
	in, ok := discovery.InstanceFromContext(context.Background())
	fmt.Printf("%q %v\n", in.Addr, ok)
	// Output: "" false
}

// picks prints n picks of a balancer over instances a, b and c weighted
// 3, 1, 1.
func picks(p discovery.Policy, n int, key func(i int) string, opts ...discovery.Option) {
	d := discovery.NewStatic(
		discovery.Instance{Addr: "a", Weight: 3},
		discovery.Instance{Addr: "b", Weight: 1},
		discovery.Instance{Addr: "c", Weight: 1},
	)
	b, _ := discovery.NewBalancer(context.Background(), d, "svc", append(opts, discovery.WithPolicy(p))...)
	defer b.Close()
	for i := range n {
		k := ""
		if key != nil {
			k = key(i)
		}
		pk, _ := b.Pick(k)
		fmt.Print(pk.Instance().Addr)
		pk.Done(nil)
	}
	fmt.Println()
}

func ExampleRoundRobin() {
	picks(discovery.RoundRobin(), 6, nil)
	// Output: abcabc
}

func ExampleSmoothWeightedRoundRobin() {
	picks(discovery.SmoothWeightedRoundRobin(), 10, nil)
	// Output: abacaabaca
}

// seededSource is a reproducible random source safe for concurrent use.
func seededSource(seed uint64) func() uint64 {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed))
	return func() uint64 {
		mu.Lock()
		defer mu.Unlock()
		return r.Uint64()
	}
}

func ExampleWeightedRandom() {
	picks(discovery.WeightedRandom(), 20, nil, discovery.WithRandom(seededSource(1)))
	// Output: caacacaabababaacaaaa
}

func ExamplePeakEWMA() {
	d := discovery.NewStatic(discovery.Instance{Addr: "a"}, discovery.Instance{Addr: "b"})
	b, _ := discovery.NewBalancer(context.Background(), d, "svc", discovery.WithPolicy(discovery.PeakEWMA(0)))
	defer b.Close()
	// With two instances both are always drawn; the one with fewer calls
	// in flight wins until latencies are known.
	first, _ := b.Pick("")
	second, _ := b.Pick("")
	fmt.Println(first.Instance().Addr != second.Instance().Addr)
	first.Done(nil)
	second.Done(nil)
	fmt.Println(discovery.PeakEWMA(0))
	// Output:
	// true
	// p2c_peak_ewma(10s)
}

func ExampleConsistentHash() {
	picks(discovery.ConsistentHash(0), 8, func(i int) string { return []string{"alice", "bob"}[i%2] })
	// Output: cacacaca
}

func ExampleWithFilter() {
	d := discovery.NewStatic(
		discovery.Instance{Addr: "10.0.0.1:80", Tags: map[string]string{"zone": "east"}},
		discovery.Instance{Addr: "10.0.0.2:80", Tags: map[string]string{"zone": "west"}},
	)
	b, _ := discovery.NewBalancer(context.Background(), d, "svc",
		discovery.WithFilter(func(in discovery.Instance) bool { return in.Tags["zone"] == "west" }))
	defer b.Close()
	for _, in := range b.Instances() {
		fmt.Println(in.Addr)
	}
	// Output: 10.0.0.2:80
}

// openBreaker is how a circuit breaker under the balancer rejects a call
// (ext/circuitbreaker's rejections have these methods): the call was not
// made.
type openBreaker struct{}

func (openBreaker) Error() string   { return "circuitbreaker: open" }
func (openBreaker) NotSent() bool   { return true }
func (openBreaker) RPCCode() string { return "unavailable" }

// A layer under the balancer that rejects a call without sending it, as an
// instance's open breaker does, says so with NotSent: the balancer sends
// the call to another instance, and after three rejections in a row ejects
// the instance.
func ExampleLoadBalance_rejectedUnderTheBalancer() {
	ctx := context.Background()
	d := discovery.NewStatic(discovery.Instance{Addr: "10.0.0.1:8888"}, discovery.Instance{Addr: "10.0.0.2:8888"})
	b, err := discovery.NewBalancer(ctx, d, "echo", discovery.WithOutlierDetection(3, time.Minute))
	if err != nil {
		panic(err)
	}
	defer b.Close()
	breakerPerInstance := motore.MiddlewareFn("breaker per instance", func(ctx context.Context, req string, next motore.Service[string, string]) (string, error) {
		if in, _ := discovery.InstanceFromContext(ctx); in.Addr == "10.0.0.1:8888" {
			return "", openBreaker{}
		}
		return next.Call(ctx, req)
	})
	client, err := motore.Build(motore.ServiceFn(transport),
		discovery.LoadBalance[string, string](b, nil), breakerPerInstance)
	if err != nil {
		panic(err)
	}
	for range 6 {
		fmt.Println(client.Call(ctx, "ping"))
	}
	fmt.Println("ejected:", b.Ejected("10.0.0.1:8888"))
	// Output:
	// ping via 10.0.0.2:8888 <nil>
	// ping via 10.0.0.2:8888 <nil>
	// ping via 10.0.0.2:8888 <nil>
	// ping via 10.0.0.2:8888 <nil>
	// ping via 10.0.0.2:8888 <nil>
	// ping via 10.0.0.2:8888 <nil>
	// ejected: true
}
