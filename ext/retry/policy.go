package retry

import (
	"fmt"
	"strings"
	"time"
)

// MaxAttempts bounds Policy.MaxAttempts: at most five calls for one request,
// the first included, as gRPC caps them.
const MaxAttempts = 5

// Defaults of a [Policy]'s zero fields.
const (
	DefaultMaxAttempts    = 3
	DefaultInitialBackoff = 10 * time.Millisecond
	DefaultMaxBackoff     = time.Second
	DefaultMultiplier     = 2.0
)

// Policy says how the calls of one method are retried and hedged. Its zero
// value is the default policy: up to 3 attempts, a backoff with full jitter
// from 10ms doubling up to 1s, not idempotent (so only calls never sent are
// retried), no hedging. A field of zero or less (or NaN) takes its
// default; a positive value out of the field's range is moved to the
// nearest end of it; none is rejected.
type Policy struct {
	// MaxAttempts is the most calls made for one request, the first, the
	// retries and the hedges included. Zero or less means
	// DefaultMaxAttempts (3); 1 turns retries off; above MaxAttempts (5)
	// is MaxAttempts.
	MaxAttempts int
	// InitialBackoff bounds the wait before the first retry: the wait is
	// drawn uniformly from [0, bound] ("full jitter"), and the bound is
	// multiplied by Multiplier for each further retry, up to MaxBackoff.
	// Zero or less means DefaultInitialBackoff (10ms); NoBackoff turns the
	// wait off.
	InitialBackoff time.Duration
	// MaxBackoff caps the bound of the wait. Zero or less means
	// DefaultMaxBackoff (1s); it is never below InitialBackoff.
	MaxBackoff time.Duration
	// Multiplier is how much the bound grows per retry. Zero or less (or
	// NaN) means DefaultMultiplier (2); between 0 and 1 it is 1.
	Multiplier float64
	// NoBackoff makes retries start at once, without a wait: for tests, or
	// where something else paces them. Default: false, retries wait as
	// InitialBackoff says.
	NoBackoff bool
	// Idempotent says that the method may run more than once for one
	// request, so a call that timed out may be retried: the server may have
	// run it already. Without it, only calls that were never sent are
	// retried by the default classifier.
	Idempotent bool
	// HedgeAfter, when positive, hedges the method's calls: if no answer
	// has come HedgeAfter after the last attempt started, another attempt
	// is sent, within MaxAttempts and the budget, and the first answer
	// wins. With HedgePercentile it is the least delay instead. Setting it
	// says the method is safe to run twice, as Idempotent does.
	HedgeAfter time.Duration
	// HedgePercentile, when in (0, 100), hedges the method's calls after
	// that percentile of the latency of its recent calls (95: after the
	// p95), measured over the layer's latency window ([WithLatencyWindow]);
	// no hedge is sent until 100 calls have been measured. Setting it says
	// the method is safe to run twice, as Idempotent does.
	HedgePercentile float64
}

// normalized returns p with its defaults and bounds applied.
func (p Policy) normalized() Policy {
	switch {
	case p.MaxAttempts <= 0:
		p.MaxAttempts = DefaultMaxAttempts
	case p.MaxAttempts > MaxAttempts:
		p.MaxAttempts = MaxAttempts
	}
	switch {
	case p.NoBackoff:
		p.InitialBackoff = 0
	case p.InitialBackoff <= 0:
		p.InitialBackoff = DefaultInitialBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	p.MaxBackoff = max(p.MaxBackoff, p.InitialBackoff)
	switch {
	case !(p.Multiplier > 0): // NaN too
		p.Multiplier = DefaultMultiplier
	case p.Multiplier < 1:
		p.Multiplier = 1
	}
	p.HedgeAfter = max(p.HedgeAfter, 0)
	if !(p.HedgePercentile > 0 && p.HedgePercentile < 100) {
		p.HedgePercentile = 0
	}
	if p.hedged() {
		p.Idempotent = true
	}
	return p
}

func (p Policy) hedged() bool { return p.HedgeAfter > 0 || p.HedgePercentile > 0 }

// backoffBound returns the bound of the wait before retry n (1 for the
// first retry).
func (p Policy) backoffBound(n int) time.Duration {
	b := float64(p.InitialBackoff)
	for range n - 1 {
		b *= p.Multiplier
		if b >= float64(p.MaxBackoff) {
			return p.MaxBackoff
		}
	}
	return min(time.Duration(b), p.MaxBackoff)
}

// String describes the policy for stack descriptions.
func (p Policy) String() string {
	parts := []string{"1 attempt"}
	if p.MaxAttempts != 1 {
		parts[0] = fmt.Sprintf("%d attempts", p.MaxAttempts)
	}
	if p.MaxAttempts > 1 {
		if p.InitialBackoff > 0 {
			parts = append(parts, fmt.Sprintf("backoff %v..%v", p.InitialBackoff, p.MaxBackoff))
		} else {
			parts = append(parts, "no backoff")
		}
	}
	if p.Idempotent && !p.hedged() {
		parts = append(parts, "idempotent")
	}
	switch {
	case p.HedgePercentile > 0 && p.HedgeAfter > 0:
		parts = append(parts, fmt.Sprintf("hedge after p%g (at least %v)", p.HedgePercentile, p.HedgeAfter))
	case p.HedgePercentile > 0:
		parts = append(parts, fmt.Sprintf("hedge after p%g", p.HedgePercentile))
	case p.HedgeAfter > 0:
		parts = append(parts, fmt.Sprintf("hedge after %v", p.HedgeAfter))
	}
	return strings.Join(parts, ", ")
}
