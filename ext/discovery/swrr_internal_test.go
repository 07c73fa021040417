package discovery

import (
	"fmt"
	"testing"
)

// With an instance excluded, the locked round robin shares the turns among
// the others in proportion to their weights, and an excluded instance
// gains nothing while excluded.
func TestSmoothWeightedRoundRobinLockedSkipsUnusable(t *testing.T) {
	weights := []int{65_521, 32_749, 16_381, 8_191}
	eps := make([]*endpoint, len(weights))
	for i, w := range weights {
		eps[i] = &endpoint{inst: Instance{Addr: fmt.Sprintf("10.0.0.%d:80", i), Weight: w}, st: &stats{}}
	}
	p, ok := smoothWRR{}.build(eps, &pickEnv{}).(*swrrLocked)
	if !ok {
		t.Fatal("weights this large should give the locked picker")
	}
	var x exclude
	x.add(eps[0])
	const picks = 100_000
	got := make([]int, len(eps))
	for range picks {
		ep := p.pick(0, x)
		if ep == nil {
			t.Fatal("no pick")
		}
		for i := range eps {
			if ep == eps[i] {
				got[i]++
			}
		}
	}
	if got[0] != 0 {
		t.Fatalf("the excluded instance got %d picks", got[0])
	}
	sum := weights[1] + weights[2] + weights[3]
	for i := 1; i < len(eps); i++ {
		want := float64(picks) * float64(weights[i]) / float64(sum)
		if d := float64(got[i]) - want; d > 1 || d < -1 {
			t.Errorf("instance %d: %d picks, want %.1f (±1)", i, got[i], want)
		}
	}
	if p.current[0] != 0 {
		t.Errorf("the excluded instance gained %d while excluded", p.current[0])
	}

	// Nothing usable: no pick.
	var all exclude
	for _, ep := range eps {
		all.add(ep)
	}
	if ep := p.pick(0, all); ep != nil {
		t.Fatalf("picked %v with every instance excluded", ep.inst.Addr)
	}
}
