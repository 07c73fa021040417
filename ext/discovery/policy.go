package discovery

import (
	"fmt"
	"sync/atomic"
)

// A Policy decides which instance serves a call. The policies are
// RoundRobin, SmoothWeightedRoundRobin, WeightedRandom, PeakEWMA and
// ConsistentHash. Each builds its tables once per update of the instance
// set, so that a pick allocates nothing.
type Policy interface {
	fmt.Stringer
	// build returns a picker over eps, which are sorted by address.
	build(eps []*endpoint, env *pickEnv) picker
	// hashed reports whether picks use the call's key.
	hashed() bool
	// timed reports whether picks need the call's latency, and invDecay is
	// one over the time constant of the latency estimate in nanoseconds.
	timed() bool
	invDecay() float64
}

// picker chooses among a snapshot's endpoints. pick returns nil when no
// endpoint is usable under x.
type picker interface {
	pick(h uint64, x exclude) *endpoint
}

// exclude says which endpoints a pick must avoid: those tried already by
// this call, those picked by earlier calls under the same WithTried
// context (avoid), and, unless anyEjected, the ejected ones. It is passed
// by value so that picking allocates nothing.
type exclude struct {
	tried      [MaxRetries]*stats
	n          int
	anyEjected bool
	avoid      *tried
}

func (x *exclude) usable(ep *endpoint) bool { return x.usableStats(ep.st) }

// usableStats is usable by the instance's stats, which identify it across
// snapshots as well as its address does.
func (x *exclude) usableStats(st *stats) bool {
	if !x.anyEjected && st.ejected.Load() {
		return false
	}
	for i := range x.n {
		if x.tried[i] == st {
			return false
		}
	}
	return x.avoid == nil || !x.avoid.has(st)
}

func (x *exclude) add(ep *endpoint) {
	if x.n < len(x.tried) {
		x.tried[x.n] = ep.st
		x.n++
	}
}

// scan returns the first usable endpoint from start on, wrapping around:
// the last resort of the random policies.
func scan(eps []*endpoint, start int, x *exclude) *endpoint {
	for i := range eps {
		if ep := eps[(start+i)%len(eps)]; x.usable(ep) {
			return ep
		}
	}
	return nil
}

// bounded maps a random 32-bit value to [0, n) without division (Lemire).
func bounded(r uint32, n int) int {
	return int((uint64(r) * uint64(n)) >> 32)
}

type plainPolicy struct{}

func (plainPolicy) hashed() bool      { return false }
func (plainPolicy) timed() bool       { return false }
func (plainPolicy) invDecay() float64 { return 0 }

// RoundRobin returns a policy that takes the instances in turn, ignoring
// weights. It is the default.
func RoundRobin() Policy { return roundRobin{} }

type roundRobin struct{ plainPolicy }

func (roundRobin) String() string { return "round_robin" }

func (roundRobin) build(eps []*endpoint, env *pickEnv) picker {
	if len(eps) == 0 {
		return emptyPicker{}
	}
	return &rrPicker{eps: eps, next: &env.rr}
}

type rrPicker struct {
	eps  []*endpoint
	next *atomic.Uint64
}

func (p *rrPicker) pick(_ uint64, x exclude) *endpoint {
	n := uint64(len(p.eps))
	for range len(p.eps) {
		if ep := p.eps[(p.next.Add(1)-1)%n]; x.usable(ep) {
			return ep
		}
	}
	return nil
}

type emptyPicker struct{}

func (emptyPicker) pick(uint64, exclude) *endpoint { return nil }

// WeightedRandom returns a policy that picks at random in proportion to the
// weights, in constant time (Vose's alias method).
func WeightedRandom() Policy { return weightedRandom{} }

type weightedRandom struct{ plainPolicy }

func (weightedRandom) String() string { return "weighted_random" }

func (weightedRandom) build(eps []*endpoint, env *pickEnv) picker {
	n := len(eps)
	if n == 0 {
		return emptyPicker{}
	}
	total := 0
	for _, ep := range eps {
		total += ep.inst.EffectiveWeight()
	}
	// Scaled probabilities: each column holds n*w/total, 1 on average.
	scaled := make([]float64, n)
	var small, large []int
	for i, ep := range eps {
		scaled[i] = float64(ep.inst.EffectiveWeight()) * float64(n) / float64(total)
		if scaled[i] < 1 {
			small = append(small, i)
		} else {
			large = append(large, i)
		}
	}
	p := &aliasPicker{eps: eps, rnd: env.rnd, prob: make([]uint32, n), alias: make([]int32, n)}
	for len(small) > 0 && len(large) > 0 {
		s, l := small[len(small)-1], large[len(large)-1]
		small = small[:len(small)-1]
		p.prob[s] = uint32(scaled[s] * (1 << 32))
		p.alias[s] = int32(l)
		scaled[l] += scaled[s] - 1
		if scaled[l] < 1 {
			large = large[:len(large)-1]
			small = append(small, l)
		}
	}
	// What is left is 1 up to rounding.
	for _, i := range append(small, large...) {
		p.prob[i] = 1<<32 - 1
		p.alias[i] = int32(i)
	}
	return p
}

type aliasPicker struct {
	eps   []*endpoint
	rnd   func() uint64
	prob  []uint32 // chance out of 2^32 of keeping the column
	alias []int32
}

func (p *aliasPicker) draw() (int, uint64) {
	r := p.rnd()
	i := bounded(uint32(r>>32), len(p.eps))
	if uint32(r) >= p.prob[i] {
		i = int(p.alias[i])
	}
	return i, r
}

func (p *aliasPicker) pick(_ uint64, x exclude) *endpoint {
	i, r := p.draw()
	if ep := p.eps[i]; x.usable(ep) {
		return ep
	}
	for range 4 {
		if i, r = p.draw(); x.usable(p.eps[i]) {
			return p.eps[i]
		}
	}
	return scan(p.eps, bounded(uint32(r>>16), len(p.eps)), &x)
}
