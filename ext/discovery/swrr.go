package discovery

import (
	"sync"
	"sync/atomic"
)

// SmoothWeightedRoundRobin returns a policy that takes instances in turn in
// proportion to their weights, spreading each instance's turns evenly
// (nginx's smooth weighted round robin: weights 5, 1, 1 give a a b a c a a,
// not a a a a a b c).
//
// The sequence is computed once per update when its period (the sum of
// the weights over their greatest common divisor) is short enough, and a pick
// is then one atomic increment; otherwise each pick runs the algorithm over
// all instances under a lock.
func SmoothWeightedRoundRobin() Policy { return smoothWRR{} }

type smoothWRR struct{ plainPolicy }

func (smoothWRR) String() string { return "smooth_weighted_round_robin" }

// maxSequence bounds a precomputed sequence, and maxSequenceWork the cost
// of computing it (period times instances).
const (
	maxSequence     = 1 << 16
	maxSequenceWork = 1 << 23
)

func (smoothWRR) build(eps []*endpoint, env *pickEnv) picker {
	if len(eps) == 0 {
		return emptyPicker{}
	}
	g := 0
	for _, ep := range eps {
		g = gcd(g, ep.inst.EffectiveWeight())
	}
	weights := make([]int, len(eps))
	period := 0
	for i, ep := range eps {
		weights[i] = ep.inst.EffectiveWeight() / g
		period += weights[i]
	}
	if period > maxSequence || period*len(eps) > maxSequenceWork {
		return &swrrLocked{eps: eps, weights: weights, current: make([]int, len(eps))}
	}
	seq := make([]int32, period)
	current := make([]int, len(eps))
	for k := range seq {
		seq[k] = int32(swrrStep(weights, current, period))
	}
	return &swrrSequence{eps: eps, seq: seq, next: &env.rr}
}

// swrrStep is one round of nginx's algorithm: every instance gains its
// weight, the richest is chosen and pays the total.
func swrrStep(weights, current []int, total int) int {
	best := 0
	for i, w := range weights {
		current[i] += w
		if current[i] > current[best] {
			best = i
		}
	}
	current[best] -= total
	return best
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

type swrrSequence struct {
	eps  []*endpoint
	seq  []int32
	next *atomic.Uint64
}

func (p *swrrSequence) pick(_ uint64, x exclude) *endpoint {
	n := uint64(len(p.seq))
	// Skipping unusable entries keeps the others' proportions; the bound
	// covers a whole period, long enough to meet every instance.
	for range len(p.seq) {
		if ep := p.eps[p.seq[(p.next.Add(1)-1)%n]]; x.usable(ep) {
			return ep
		}
	}
	return nil
}

type swrrLocked struct {
	eps     []*endpoint
	weights []int
	mu      sync.Mutex
	current []int
}

// pick runs one round of the algorithm over the usable instances only, as
// nginx does: an unusable instance gains nothing, and the others share the
// turns in proportion to their weights. One round is O(n) whatever is
// unusable.
func (p *swrrLocked) pick(_ uint64, x exclude) *endpoint {
	p.mu.Lock()
	defer p.mu.Unlock()
	best, total := -1, 0
	for i, ep := range p.eps {
		if !x.usable(ep) {
			continue
		}
		p.current[i] += p.weights[i]
		total += p.weights[i]
		if best < 0 || p.current[i] > p.current[best] {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	p.current[best] -= total
	return p.eps[best]
}
