package discovery_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
)

var policies = []discovery.Policy{
	discovery.RoundRobin(),
	discovery.SmoothWeightedRoundRobin(),
	discovery.WeightedRandom(),
	discovery.PeakEWMA(0),
	discovery.ConsistentHash(0),
}

// BenchmarkPick measures one pick and its Done among 100 instances of
// mixed weights.
func BenchmarkPick(b *testing.B) {
	ins := instances(100, 100, 50, 200, 100, 10)
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = "user-" + strconv.Itoa(i)
	}
	for _, p := range policies {
		b.Run(p.String(), func(b *testing.B) {
			bal, _ := newBalancer(b, ins, discovery.WithPolicy(p))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				pk, err := bal.Pick(keys[i&1023])
				if err != nil {
					b.Fatal(err)
				}
				pk.Done(nil)
				i++
			}
		})
	}
}

// BenchmarkPickParallel is BenchmarkPick from all cores at once, where
// shared counters and locks contend.
func BenchmarkPickParallel(b *testing.B) {
	ins := instances(100)
	for _, p := range policies {
		b.Run(p.String(), func(b *testing.B) {
			bal, _ := newBalancer(b, ins, discovery.WithPolicy(p))
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					pk, err := bal.Pick("user-42")
					if err != nil {
						panic(err)
					}
					pk.Done(nil)
				}
			})
		})
	}
}

// BenchmarkLoadBalanceCall measures a call through the layer to a service
// that answers at once: the pick, the context with the instance (one
// allocation) and the report.
func BenchmarkLoadBalanceCall(b *testing.B) {
	bal, _ := newBalancer(b, instances(100))
	svc := discovery.LoadBalance[string, string](bal, nil).Layer(motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
		return req, nil
	}))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Call(ctx, "req"); err != nil {
			b.Fatal(err)
		}
	}
}
