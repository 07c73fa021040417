package discovery

import (
	"fmt"
	"strconv"
	"testing"
)

// BenchmarkChoose measures the choice alone among 100 instances: no clock
// reads for latency and no in-flight counting, which BenchmarkPick adds.
func BenchmarkChoose(b *testing.B) {
	eps := make([]*endpoint, 100)
	for i := range eps {
		eps[i] = &endpoint{inst: Instance{Addr: fmt.Sprintf("10.0.0.%d:80", i), Weight: []int{100, 50, 200, 100, 10}[i%5]}, st: &stats{}}
		eps[i].st.observe(int64(i), int64(1000+i*10), 1e-10)
	}
	hashes := make([]uint64, 1024)
	for i := range hashes {
		hashes[i] = hashKey("user-" + strconv.Itoa(i))
	}
	for _, pol := range []Policy{RoundRobin(), SmoothWeightedRoundRobin(), WeightedRandom(), PeakEWMA(0), ConsistentHash(0)} {
		b.Run(pol.String(), func(b *testing.B) {
			env := &pickEnv{rnd: newConfig(nil).rnd}
			p := pol.build(eps, env)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if p.pick(hashes[i&1023], exclude{}) == nil {
					b.Fatal("no pick")
				}
				i++
			}
		})
	}
}

// BenchmarkHashKey measures hashing a short key for ConsistentHash, which
// the LoadBalance layer and Pick add to the choice.
func BenchmarkHashKey(b *testing.B) {
	var sink uint64
	for b.Loop() {
		sink += hashKey("user-123456")
	}
	_ = sink
}

// BenchmarkClock measures one read of the monotonic clock; PeakEWMA reads
// it twice per call to time it, which BenchmarkPick includes.
func BenchmarkClock(b *testing.B) {
	var sink int64
	for b.Loop() {
		sink += monotonic()
	}
	_ = sink
}
