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
	inv := make([]float64, len(eps))
	for i, ep := range eps {
		inv[i] = float64(DefaultWeight) / float64(ep.inst.EffectiveWeight())
	}
	return &p2cPicker{eps: eps, invWeight: inv, env: env, invTau: p.invDecay()}
}

type p2cPicker struct {
	eps       []*endpoint
	invWeight []float64
	env       *pickEnv
	invTau    float64
}

func (p *p2cPicker) pick(_ uint64, x exclude) *endpoint {
	n := len(p.eps)
	if n == 1 {
		if x.usable(p.eps[0]) {
			return p.eps[0]
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
		a, b := p.eps[i], p.eps[j]
		okA, okB := x.usable(a), x.usable(b)
		switch {
		case okA && okB:
			// The clock of the last finished call is recent enough for the
			// decay and spares a clock read per pick.
			now := p.env.last.Load()
			if a.st.cost(now, p.invTau)*p.invWeight[i] <= b.st.cost(now, p.invTau)*p.invWeight[j] {
				return a
			}
			return b
		case okA:
			return a
		case okB:
			return b
		}
	}
	return scan(p.eps, bounded(uint32(r>>16), n), &x)
}
