package ratelimit

import (
	"math"
	"time"
)

// Sample is what the adaptive limiter learned from one finished call.
type Sample struct {
	// RTT is how long the inner service took.
	RTT time.Duration
	// InFlight is the number of calls in flight when this one was admitted,
	// itself included. An algorithm should not raise a limit the callers do
	// not come near: nothing says the service could take more.
	InFlight int
	// Dropped reports a call that failed in a way that signals overload
	// (see [Outcome]).
	Dropped bool
}

// An Algorithm finds a concurrency limit from samples, for [NewAdaptive].
// It holds state, so each limiter needs its own; the limiter calls it under
// its lock, so it need not be safe for concurrent use.
//
// # Experimental
//
// Algorithms are new; the interface may grow before a v1.
type Algorithm interface {
	// InitialLimit is the limit before the first sample.
	InitialLimit() int
	// Update learns from a sample and returns the new limit (at least 1).
	Update(s Sample) int
}

// AIMDConfig configures [AIMD]. A field of zero or less (or NaN) takes its
// default; a value outside the field's range is moved to the nearest end
// of it (a MinLimit above MaxLimit raises MaxLimit to it).
type AIMDConfig struct {
	// InitialLimit is the starting limit. Default 20.
	InitialLimit int
	// MinLimit is the lowest limit, at least 1. Default 1.
	MinLimit int
	// MaxLimit is the highest limit, at least MinLimit. Default 1000.
	MaxLimit int
	// Backoff multiplies the limit on each drop, in [0.5, 0.99]. Default 0.9.
	Backoff float64
	// Threshold makes a call slower than it count as a drop; zero or less
	// means the default. Default 5s.
	Threshold time.Duration
}

// AIMD returns the additive-increase, multiplicative-decrease algorithm of
// TCP congestion control: the limit grows by one for each limit's worth of
// calls that succeed within the threshold while the callers use at least
// half of it, and is multiplied by Backoff on each drop or slow call. It
// reacts to latency only past a fixed threshold, so it suits a service
// whose normal latency is known.
func AIMD(c AIMDConfig) Algorithm {
	a := &aimd{cfg: c}
	a.cfg.MinLimit = max(orDefault(c.MinLimit, 1), 1)
	a.cfg.MaxLimit = max(orDefault(c.MaxLimit, 1000), a.cfg.MinLimit)
	a.cfg.InitialLimit = clampInt(orDefault(c.InitialLimit, 20), a.cfg.MinLimit, a.cfg.MaxLimit)
	a.cfg.Backoff = clampFloat(orDefault(c.Backoff, 0.9), 0.5, 0.99)
	if c.Threshold <= 0 {
		a.cfg.Threshold = 5 * time.Second
	}
	a.limit = float64(a.cfg.InitialLimit)
	return a
}

type aimd struct {
	cfg   AIMDConfig
	limit float64
}

func (a *aimd) InitialLimit() int { return a.cfg.InitialLimit }

func (a *aimd) Update(s Sample) int {
	switch {
	case s.Dropped || s.RTT > a.cfg.Threshold:
		a.limit *= a.cfg.Backoff
	case 2*s.InFlight >= toInt(a.limit):
		a.limit += 1 / a.limit
	}
	a.limit = clampFloat(a.limit, float64(a.cfg.MinLimit), float64(a.cfg.MaxLimit))
	return toInt(a.limit)
}

func (a *aimd) Describe() string { return "aimd" }

// GradientConfig configures [Gradient]. A field of zero or less (or NaN)
// takes its default; a value outside the field's range is moved to the
// nearest end of it (a MinLimit above MaxLimit raises MaxLimit to it, a
// ShortWindow above LongWindow raises LongWindow).
type GradientConfig struct {
	// InitialLimit is the starting limit. Default 20.
	InitialLimit int
	// MinLimit is the lowest limit, at least 1. Default 1.
	MinLimit int
	// MaxLimit is the highest limit, at least MinLimit. Default 1000.
	MaxLimit int
	// Tolerance is how many times slower than the long-run latency recent
	// calls may get before the limit shrinks, at least 1. Default 1.5.
	Tolerance float64
	// Smoothing is how far each sample moves the limit toward its target,
	// in (0, 1]. Default 0.2.
	Smoothing float64
	// ShortWindow is the number of recent calls averaged for the current
	// latency, at least 1. Default 10.
	ShortWindow int
	// LongWindow is the number of calls averaged for the long-run latency,
	// at least ShortWindow. Default 500.
	LongWindow int
}

// Gradient returns a latency-gradient algorithm in the style of Netflix's
// Gradient2: it compares the recent latency with a long-run average and,
// when calls get slower than Tolerance allows, shrinks the limit in
// proportion (never below half at once); while latency holds, it grows the
// limit by a headroom of the square root of the limit. It needs no
// threshold: it finds the service's normal latency itself. Once latency
// recovers after a long overload, the long-run average is pulled down
// faster so that the limit can grow again.
func Gradient(c GradientConfig) Algorithm {
	g := &gradient{cfg: c}
	g.cfg.MinLimit = max(orDefault(c.MinLimit, 1), 1)
	g.cfg.MaxLimit = max(orDefault(c.MaxLimit, 1000), g.cfg.MinLimit)
	g.cfg.InitialLimit = clampInt(orDefault(c.InitialLimit, 20), g.cfg.MinLimit, g.cfg.MaxLimit)
	g.cfg.Tolerance = clampFloat(orDefault(c.Tolerance, 1.5), 1, math.Inf(1))
	g.cfg.Smoothing = clampFloat(orDefault(c.Smoothing, 0.2), 0.01, 1)
	g.cfg.ShortWindow = max(orDefault(c.ShortWindow, 10), 1)
	g.cfg.LongWindow = max(orDefault(c.LongWindow, 500), g.cfg.ShortWindow)
	g.limit = float64(g.cfg.InitialLimit)
	return g
}

type gradient struct {
	cfg         GradientConfig
	limit       float64
	short, long float64 // moving averages of latency, in ns
}

func (g *gradient) InitialLimit() int { return g.cfg.InitialLimit }

func (g *gradient) Update(s Sample) int {
	rtt := float64(max(s.RTT, 1))
	if g.long == 0 {
		g.short, g.long = rtt, rtt
	} else {
		g.short += (rtt - g.short) * 2 / (float64(g.cfg.ShortWindow) + 1)
		g.long += (rtt - g.long) * 2 / (float64(g.cfg.LongWindow) + 1)
	}
	if g.long > 2*g.short {
		// Latency is back to normal after a long slow spell; waiting for the
		// long average to decay on its own would keep the limit low.
		g.long *= 0.95
	}
	ratio := clampFloat(g.cfg.Tolerance*g.long/g.short, 0.5, 1)
	if s.Dropped {
		ratio = 0.5
	}
	if ratio == 1 && 2*s.InFlight < toInt(g.limit) {
		// The callers do not use the limit: no evidence it could be higher.
		return toInt(g.limit)
	}
	target := g.limit*ratio + math.Sqrt(g.limit)
	g.limit += (target - g.limit) * g.cfg.Smoothing
	g.limit = clampFloat(g.limit, float64(g.cfg.MinLimit), float64(g.cfg.MaxLimit))
	return toInt(g.limit)
}

func (g *gradient) Describe() string { return "gradient" }

func orDefault[T int | float64 | time.Duration](v, def T) T {
	// !(v > 0) holds for a NaN too, which would otherwise pass every
	// bound and, as a tolerance, shrink the limit on every call.
	if !(v > 0) {
		return def
	}
	return v
}

// toInt converts a limit held as a float to an int. float64(math.MaxInt)
// rounds up to 2^63, which a plain conversion turns into a negative int, so
// a MaxLimit of math.MaxInt would collapse the limit to 1.
func toInt(f float64) int {
	if f >= math.MaxInt {
		return math.MaxInt
	}
	return int(f)
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

func clampFloat(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return lo
	}
	return min(max(v, lo), hi)
}
