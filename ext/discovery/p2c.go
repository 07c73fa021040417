package discovery

import (
	"fmt"
	"math"
	"time"
)

// PeakEWMA returns a policy that draws two instances at random and sends
// the call to the less loaded one (the power of two choices), where load is
// Finagle's peak-EWMA: the instance's latency estimate times its calls in
// flight plus one, divided by its weight. The estimate jumps up to a slower
// latency at once and comes down with time constant decay, and decays while
// an instance gets no calls, so it is tried again. decay <= 0 means the
// default of 10s.
//
// Calls in flight are counted on every call, but latency is sampled: the
// first calls to an instance are timed, then one in 16. Timing a call reads
// the clock at both ends, which would cost more than the rest of the pick;
// between samples an instance that slows down collects calls in flight,
// which steer picks away from it until the next sample raises its estimate.
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
			if lighter(a, b, p.invTau) {
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

// lighter reports whether a's load is no more than b's. The load is the
// peak-EWMA estimate of Finagle and linkerd: the latency estimate, decayed
// toward zero since it was last updated, times the calls in flight plus
// one, divided by the weight. Both estimates decay by the same factor from
// the later of their two updates on, so only the time between the updates
// matters and the comparison needs no clock read: the older estimate decays
// over that time. An instance with no estimate yet weighs nothing while
// idle and a large penalty per call in flight, so a new instance gets a
// first call soon but not a flood.
func lighter(a, b *p2cSlot, invTau float64) bool {
	ea := math.Float64frombits(a.st.ewma.Load())
	eb := math.Float64frombits(b.st.ewma.Load())
	la := float64(uint32(a.st.load.Load()))
	lb := float64(uint32(b.st.load.Load()))
	if ea == 0 || eb == 0 {
		// The penalty dwarfs any latency short of minutes, so leaving the
		// other estimate undecayed does not change the outcome.
		if ea == 0 {
			la *= penalty
		} else {
			la = ea * (la + 1)
		}
		if eb == 0 {
			lb *= penalty
		} else {
			lb = eb * (lb + 1)
		}
		return la*a.invWeight <= lb*b.invWeight
	}
	ca := ea * (la + 1) * a.invWeight
	cb := eb * (lb + 1) * b.invWeight
	if sa, sb := a.st.stamp.Load(), b.st.stamp.Load(); sa < sb {
		ca *= decayFactor(float64(sb-sa) * invTau)
	} else {
		cb *= decayFactor(float64(sa-sb) * invTau)
	}
	return ca <= cb
}
