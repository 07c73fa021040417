package discovery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-kit/kit/endpoint"
	"github.com/go-kit/kit/sd"
	"github.com/go-kit/kit/sd/lb"

	"github.com/govolo/volo/ext/discovery"
)

const instances = 100

func voloBalancer(b *testing.B, p discovery.Policy) *discovery.Balancer {
	ins := make([]discovery.Instance, instances)
	for i := range ins {
		ins[i] = discovery.Instance{Addr: fmt.Sprintf("10.0.0.%d:80", i)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	bal, err := discovery.NewBalancer(ctx, discovery.NewStatic(ins...), "svc", discovery.WithPolicy(p))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = bal.Close() })
	return bal
}

func kitEndpointer() sd.Endpointer {
	eps := make(sd.FixedEndpointer, instances)
	for i := range eps {
		eps[i] = func(context.Context, any) (any, error) { return i, nil }
	}
	return eps
}

func benchVolo(b *testing.B, p discovery.Policy) {
	bal := voloBalancer(b, p)
	b.ReportAllocs()
	for b.Loop() {
		pk, err := bal.Pick("")
		if err != nil {
			b.Fatal(err)
		}
		pk.Done(nil)
	}
}

func benchKit(b *testing.B, bal lb.Balancer) {
	b.ReportAllocs()
	var e endpoint.Endpoint
	for b.Loop() {
		var err error
		if e, err = bal.Endpoint(); err != nil {
			b.Fatal(err)
		}
	}
	if e == nil {
		b.Fatal("no endpoint")
	}
}

// BenchmarkRoundRobin: a pick (and, for volo, its report) among 100.
func BenchmarkRoundRobin(b *testing.B) {
	b.Run("volo", func(b *testing.B) { benchVolo(b, discovery.RoundRobin()) })
	b.Run("gokit", func(b *testing.B) { benchKit(b, lb.NewRoundRobin(kitEndpointer())) })
}

// BenchmarkRandom: go-kit's random balancer is unweighted; volo's weighted
// random with equal weights does the same job.
func BenchmarkRandom(b *testing.B) {
	b.Run("volo", func(b *testing.B) { benchVolo(b, discovery.WeightedRandom()) })
	b.Run("gokit", func(b *testing.B) { benchKit(b, lb.NewRandom(kitEndpointer(), 1)) })
}
