package discovery

import (
	"fmt"
	"time"
)

// PeakEWMA returns a policy that draws two instances at random and sends
// the call to the less loaded one (the power of two choices), where load is
// Finagle's peak-EWMA: the instance's latency estimate times its calls in
// flight plus one, divided by its weight. The estimate jumps up to a slower
// latency at once and comes down with time constant decay, and decays while
// an instance gets no calls, so it is tried again. decay <= 0 means the
// default of 10s.
func PeakEWMA(decay time.Duration) Policy {
	if decay <= 0 {
		decay = 10 * time.Second
	}
	return peakEWMA{tau: decay}
}

type peakEWMA struct{ tau time.Duration }

func (p peakEWMA) String() string    { return fmt.Sprintf("p2c_peak_ewma(%v)", p.tau) }
func (peakEWMA) hashed() bool        { return false }
func (peakEWMA) timed() bool         { return true }
func (p peakEWMA) invDecay() float64 { return 1 / float64(p.tau) }

func (p peakEWMA) build(eps []*endpoint, env *pickEnv) picker {
	if len(eps) == 0 {
		return emptyPicker{}
	}
	slots := make([]p2cSlot, len(eps))
	for i, ep := range eps {
		slots[i] = p2cSlot{st: ep.st, invWeight: float64(DefaultWeight) / float64(ep.inst.EffectiveWeight()), ep: ep}
	}
	return &p2cPicker{slots: slots, env: env, invTau: p.invDecay()}
}

// p2cSlot keeps what a pick reads of an instance in one contiguous array,
// one pointer away from its stats.
type p2cSlot struct {
	st        *stats
	invWeight float64
	ep        *endpoint
}

type p2cPicker struct {
	slots  []p2cSlot
	env    *pickEnv
	invTau float64
}

func (p *p2cPicker) pick(_ uint64, x exclude) *endpoint {
	n := len(p.slots)
	if n == 1 {
		if ep := p.slots[0].ep; x.usable(ep) {
			return ep
		}
		return nil
	}
	var r uint64
	for range 4 {
		r = p.env.rnd()
		i := bounded(uint32(r>>32), n)
		j := bounded(uint32(r), n-1)
		if j >= i {
			j++
		}
		a, b := &p.slots[i], &p.slots[j]
		okA, okB := x.usableStats(a.st), x.usableStats(b.st)
		switch {
		case okA && okB:
			// The clock of the last finished call is recent enough for the
			// decay and spares a clock read per pick.
			now := p.env.last.Load()
			if a.st.cost(now, p.invTau)*a.invWeight <= b.st.cost(now, p.invTau)*b.invWeight {
				return a.ep
			}
			return b.ep
		case okA:
			return a.ep
		case okB:
			return b.ep
		}
	}
	// Most of the set is unusable: look at every instance once.
	start := bounded(uint32(r>>16), n)
	for k := range n {
		if s := &p.slots[(start+k)%n]; x.usableStats(s.st) {
			return s.ep
		}
	}
	return nil
}
