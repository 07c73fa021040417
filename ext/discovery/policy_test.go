package discovery_test

import (
	"container/heap"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
)

func TestRoundRobinIsExact(t *testing.T) {
	ins := instances(10)
	b, _ := newBalancer(t, ins)
	for i := range 25 {
		p, err := b.Pick("")
		require.NoError(t, err)
		assert.Equal(t, ins[i%10].Addr, p.Instance().Addr, "pick %d", i)
		p.Done(nil)
	}
	got := count(t, b, 100_000, nil)
	require.Len(t, got, 10)
	for addr, n := range got {
		assert.Equal(t, 10_000, n, addr)
	}
}

func TestSmoothWeightedRoundRobinIsSmooth(t *testing.T) {
	b, _ := newBalancer(t, []discovery.Instance{
		{Addr: "a", Weight: 5}, {Addr: "b", Weight: 1}, {Addr: "c", Weight: 1},
	}, discovery.WithPolicy(discovery.SmoothWeightedRoundRobin()))
	var seq string
	for range 14 {
		p, err := b.Pick("")
		require.NoError(t, err)
		seq += p.Instance().Addr
	}
	assert.Equal(t, "aabacaaaabacaa", seq)
}

// assertShares checks that each address got its weight's share of total
// picks within ±5% of that share.
func assertShares(t *testing.T, ins []discovery.Instance, got map[string]int, total int) {
	t.Helper()
	sum := 0
	for _, in := range ins {
		sum += in.EffectiveWeight()
	}
	for _, in := range ins {
		want := float64(total) * float64(in.EffectiveWeight()) / float64(sum)
		assert.InEpsilon(t, want, float64(got[in.Addr]), 0.05, "%s: want %.0f got %d", in.Addr, want, got[in.Addr])
	}
}

func TestWeightedPoliciesFollowWeights(t *testing.T) {
	// The random policy's smallest share is 1/15 of the picks, so ±5% is
	// over four standard deviations; the round robin one is exact over a
	// much wider spread of weights.
	for _, tc := range []struct {
		name    string
		policy  discovery.Policy
		weights []int
	}{
		{"smooth weighted round robin", discovery.SmoothWeightedRoundRobin(), []int{1, 2, 3, 4, 5, 10, 20, 50, 100, 300}},
		{"weighted random", discovery.WeightedRandom(), []int{1, 2, 3, 4, 5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins := instances(len(tc.weights), tc.weights...)
			b, _ := newBalancer(t, ins, discovery.WithPolicy(tc.policy), discovery.WithRandom(seeded(7)))
			assertShares(t, ins, count(t, b, 100_000, nil), 100_000)
		})
	}
}

func TestSmoothWeightedRoundRobinLongPeriod(t *testing.T) {
	// Co-prime large weights make the period too long to precompute, so
	// picks run the algorithm under a lock; the shares must still hold.
	ins := []discovery.Instance{{Addr: "a", Weight: 65_521}, {Addr: "b", Weight: 32_749}, {Addr: "c", Weight: 16_381}}
	b, _ := newBalancer(t, ins, discovery.WithPolicy(discovery.SmoothWeightedRoundRobin()))
	assertShares(t, ins, count(t, b, 100_000, nil), 100_000)
}

func TestConsistentHashMovesFewKeys(t *testing.T) {
	ins := instances(11)
	key := func(i int) string { return fmt.Sprintf("user-%d", i) }
	owners := func(b *discovery.Balancer) []string {
		out := make([]string, 10_000)
		for i := range out {
			p, err := b.Pick(key(i))
			require.NoError(t, err)
			out[i] = p.Instance().Addr
			p.Done(nil)
		}
		return out
	}
	b, st := newBalancer(t, ins[:10], discovery.WithPolicy(discovery.ConsistentHash(0)))
	before := owners(b)
	assert.Equal(t, before, owners(b), "same set, same owners")
	perInstance := make(map[string]int)
	for _, o := range before {
		perInstance[o]++
	}
	assert.Len(t, perInstance, 10)

	st.Set(ins...)
	require.Eventually(t, func() bool { return len(b.Instances()) == 11 }, 5*time.Second, time.Millisecond)
	after := owners(b)
	moved := 0
	for i := range before {
		if before[i] != after[i] {
			moved++
			assert.Equal(t, ins[10].Addr, after[i], "a key only moves to the new instance")
		}
	}
	t.Logf("moved %d of 10000 keys", moved)
	assert.LessOrEqual(t, moved, 1_500)
	assert.Positive(t, moved)
}

// call is one simulated call in flight, ending at end (virtual ns).
type call struct {
	end  int64
	pick discovery.Pick
}

type calls []call

func (c calls) Len() int           { return len(c) }
func (c calls) Less(i, j int) bool { return c[i].end < c[j].end }
func (c calls) Swap(i, j int)      { c[i], c[j] = c[j], c[i] }
func (c *calls) Push(x any)        { *c = append(*c, x.(call)) }
func (c *calls) Pop() any {
	old := *c
	x := old[len(old)-1]
	*c = old[:len(old)-1]
	return x
}

// simulate runs total calls through b in virtual time, with callers calls
// always in flight; latency gives each call's duration from the picked
// address and the number of calls started before it. It returns the calls
// each address got from call number from on.
func simulate(t *testing.T, b *discovery.Balancer, callers, total, from int, latency func(addr string, n int) time.Duration) map[string]int {
	t.Helper()
	var now int64
	discovery.SetClock(b, func() int64 { return now })
	inFlight := &calls{}
	got := make(map[string]int)
	started := 0
	start := func() {
		p, err := b.Pick("")
		require.NoError(t, err)
		addr := p.Instance().Addr
		if started >= from {
			got[addr]++
		}
		heap.Push(inFlight, call{end: now + int64(latency(addr, started)), pick: p})
		started++
	}
	for range callers {
		start()
	}
	for started < total {
		c := heap.Pop(inFlight).(call)
		now = c.end
		c.pick.Done(nil)
		start()
	}
	for inFlight.Len() > 0 {
		heap.Pop(inFlight).(call).pick.Done(nil)
	}
	return got
}

func TestPeakEWMAAvoidsSlowInstance(t *testing.T) {
	// Twenty callers keep a call each in flight against ten instances, in
	// virtual time; one instance answers in 10ms, the others in 1ms.
	ins := instances(10)
	slow := ins[3].Addr
	b, _ := newBalancer(t, ins, discovery.WithPolicy(discovery.PeakEWMA(0)), discovery.WithRandom(seeded(42)))
	const total = 100_000
	got := simulate(t, b, 20, total, 0, func(addr string, _ int) time.Duration {
		if addr == slow {
			return 10 * time.Millisecond
		}
		return time.Millisecond
	})
	t.Logf("slow instance got %d of %d calls", got[slow], total)
	assert.Less(t, got[slow], total/10)
	assert.Positive(t, got[slow], "the slow instance is still probed")
	for _, in := range ins {
		assert.Positive(t, got[in.Addr], in.Addr)
	}
}

func TestPeakEWMANoticesAnInstanceThatSlowsDown(t *testing.T) {
	// All ten instances answer in 1ms until call 50,000; from then on one
	// of them takes 10ms. Most of its calls are not timed (latency is
	// sampled), yet within the next 1,000 calls it gets under 10% of them.
	ins := instances(10)
	slow := ins[6].Addr
	b, _ := newBalancer(t, ins, discovery.WithPolicy(discovery.PeakEWMA(0)), discovery.WithRandom(seeded(7)))
	const change = 50_000
	got := simulate(t, b, 20, change+1_000, change, func(addr string, n int) time.Duration {
		if addr == slow && n >= change {
			return 10 * time.Millisecond
		}
		return time.Millisecond
	})
	t.Logf("after it slowed down, the slow instance got %d of 1000 calls", got[slow])
	assert.Less(t, got[slow], 100)
}

func TestPicksAllocateNothing(t *testing.T) {
	for _, p := range []discovery.Policy{
		discovery.RoundRobin(),
		discovery.SmoothWeightedRoundRobin(),
		discovery.WeightedRandom(),
		discovery.PeakEWMA(0),
		discovery.ConsistentHash(0),
	} {
		t.Run(p.String(), func(t *testing.T) {
			b, _ := newBalancer(t, instances(100, 1, 2, 3), discovery.WithPolicy(p))
			allocs := testing.AllocsPerRun(1000, func() {
				pk, err := b.Pick("some-key")
				if err != nil {
					panic(err)
				}
				pk.Done(nil)
			})
			assert.Zero(t, allocs)
		})
	}
}

func TestEmptySetHasNoInstance(t *testing.T) {
	for _, p := range []discovery.Policy{
		discovery.RoundRobin(), discovery.SmoothWeightedRoundRobin(), discovery.WeightedRandom(),
		discovery.PeakEWMA(0), discovery.ConsistentHash(0),
	} {
		b, st := newBalancer(t, nil, discovery.WithPolicy(p))
		_, err := b.Pick("k")
		assert.ErrorIs(t, err, discovery.ErrNoInstance, p.String())
		st.Set(instances(1)...)
		require.Eventually(t, func() bool { _, err := b.Pick("k"); return err == nil }, 5*time.Second, time.Millisecond, p.String())
	}
}

func TestPeakEWMAAvoidsSlowInstanceInRealTime(t *testing.T) {
	// The same as the simulation, through the layer and the real clock:
	// one instance of five sleeps 20ms, the others 1ms.
	ins := instances(5)
	slow := ins[2].Addr
	b, _ := newBalancer(t, ins, discovery.WithPolicy(discovery.PeakEWMA(0)))
	var mu sync.Mutex
	got := make(map[string]int)
	svc := discovery.LoadBalance[string, string](b, nil).Layer(motore.ServiceFn(func(ctx context.Context, _ string) (string, error) {
		in, _ := discovery.InstanceFromContext(ctx)
		mu.Lock()
		got[in.Addr]++
		mu.Unlock()
		d := time.Millisecond
		if in.Addr == slow {
			d = 20 * time.Millisecond
		}
		tm := time.NewTimer(d)
		defer tm.Stop()
		select {
		case <-tm.C:
			return in.Addr, nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}))
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				_, _ = svc.Call(context.Background(), "req")
			}
		}()
	}
	wg.Wait()
	t.Logf("calls per instance: %v", got)
	assert.Less(t, got[slow], 40, "under 10% of 400 calls")
}
