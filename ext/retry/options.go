package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// A RetryOption configures a [New] layer.
type RetryOption interface{ applyRetry(*config) }

// A ShedOption configures a [Shed] layer.
type ShedOption interface{ applyShed(*config) }

// An Option configures both a [New] and a [Shed] layer. Every other option
// returns the type of the one constructor that reads it, so passing it to
// the other does not compile.
//
// Zero or less, and nil, mean the default each option states; values above
// a documented maximum are lowered to it, and a feature is turned off only
// by its Without... option. No option makes a constructor fail. What is
// typed by the request (per-method policies, a clone for hedges) is not an
// option but the [Requests] argument of [NewFor], so that one written for
// another request type does not compile.
type Option interface {
	RetryOption
	ShedOption
}

type (
	optionFunc      func(*config)
	retryOptionFunc func(*config)
	shedOptionFunc  func(*config)
)

func (f optionFunc) applyRetry(c *config)      { f(c) }
func (f optionFunc) applyShed(c *config)       { f(c) }
func (f retryOptionFunc) applyRetry(c *config) { f(c) }
func (f shedOptionFunc) applyShed(c *config)   { f(c) }

// Defaults of the hedging options.
const (
	DefaultMaxExtraLoad  = 0.05
	DefaultLatencyWindow = 10 * time.Second
)

type config struct {
	policy       Policy
	budget       Budget
	budgetSet    bool
	chainStop    bool
	overloadStop bool
	onDecision   func(ctx context.Context, d Decision)
	maxExtraLoad float64
	window       time.Duration

	maxInFlight int
	capacity    Capacity
	ready       func() bool

	clk clock
	rnd func(n int64) int64
}

func retryConfig(opts []RetryOption) *config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyRetry(c)
		}
	}
	return c.finish()
}

func shedConfig(opts []ShedOption) *config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyShed(c)
		}
	}
	return c.finish()
}

func defaultConfig() *config {
	return &config{
		chainStop:    true,
		overloadStop: true,
		maxExtraLoad: DefaultMaxExtraLoad,
		window:       DefaultLatencyWindow,
		clk:          defaultClock,
		rnd:          rand.Int64N,
	}
}

func (c *config) finish() *config {
	if !c.budgetSet {
		c.budget = DefaultBudget()
	}
	return c
}

// WithPolicy sets the policy of every call, or, with [Requests].Policies,
// of the methods without one of their own. Read by [New] and [NewFor].
//
// Default: the zero Policy (3 attempts, backoff from 10ms to 1s with full
// jitter, only calls never sent are retried, no hedging).
func WithPolicy(p Policy) RetryOption {
	return retryOptionFunc(func(c *config) { c.policy = p })
}

// WithBudget sets the budget the layer's retries and hedges spend. Give
// every layer that calls one target the same budget. Read by [New] and [NewFor].
//
// Default: a budget of the layer's own, [DefaultBudget]. Nil: the default.
// [WithoutBudget] turns the budget off.
func WithBudget(b Budget) RetryOption {
	return retryOptionFunc(func(c *config) {
		if b == nil {
			c.budget, c.budgetSet = nil, false
			return
		}
		c.budget, c.budgetSet = b, true
	})
}

// WithoutBudget turns the budget off: retries and hedges are bounded by the
// policies alone, per call. A target that fails for every call then gets
// MaxAttempts times its calls; use it in tests, or where something else
// bounds the load. Read by [New] and [NewFor].
func WithoutBudget() RetryOption {
	return retryOptionFunc(func(c *config) { c.budget, c.budgetSet = nil, true })
}

// WithoutChainStop makes the layer retry requests that are themselves
// retries from upstream (whose context carries [MetainfoKey]). The layer
// still marks its own retries. Read by [New] and [NewFor].
//
// Default: such a request is not retried or hedged again (Kitex's chain
// stop), so a failure deep in a chain of services is retried by one layer,
// not by every layer above it.
func WithoutChainStop() RetryOption {
	return retryOptionFunc(func(c *config) { c.chainStop = false })
}

// WithoutOverloadStop makes the layer retry, when the classifier says so,
// errors that say not to ([DoNotRetry]: an *Error from a layer below, a
// shed, a "resource_exhausted" code). Read by [New] and [NewFor].
//
// Default: such errors are returned at once.
func WithoutOverloadStop() RetryOption {
	return retryOptionFunc(func(c *config) { c.overloadStop = false })
}

// WithOnDecision sets a hook called with each decision a layer takes about
// a call: a retry, a hedge, a budget exhausted, a chain stopped, a shed
// (see [Reason]). It runs on the call's goroutine, so it should be quick:
// count or annotate a span, do not block. It is the place to feed metrics or
// tracing without this module importing either. Read by [New], [NewFor] and [Shed].
//
// Default: none.
func WithOnDecision(f func(ctx context.Context, d Decision)) Option {
	return optionFunc(func(c *config) { c.onDecision = f })
}

// WithMaxExtraLoad bounds the hedges of a layer to share of its calls, over
// its latency window, on top of what the budget allows (Finagle's
// maxExtraLoad). Read by [New] and [NewFor], for policies that hedge; a policy without
// hedging sends none.
//
// Default: 0.05, at most one hedge per twenty calls. Zero or less (or NaN):
// the default; above MaxAttempts-1: MaxAttempts-1.
func WithMaxExtraLoad(share float64) RetryOption {
	return retryOptionFunc(func(c *config) {
		if !(share > 0) {
			share = DefaultMaxExtraLoad
		}
		c.maxExtraLoad = min(share, MaxAttempts-1)
	})
}

// WithLatencyWindow sets the window over which a layer measures the latency
// of its calls for [Policy].HedgePercentile, and over which it counts its
// hedges for [WithMaxExtraLoad]: the percentile is that of the calls of the
// last window to one and a half windows. Read by [New] and [NewFor].
//
// Default: 10s. Zero or less: the default; other values under 1s are
// raised to 1s, and values above 1h lowered to 1h.
func WithLatencyWindow(d time.Duration) RetryOption {
	return retryOptionFunc(func(c *config) {
		if d <= 0 {
			d = DefaultLatencyWindow
		}
		c.window = min(max(d, time.Second), time.Hour)
	})
}

// WithMaxInFlight makes the [Shed] layer refuse a call when n calls are in
// flight through it already. Read by [Shed].
//
// Default: no bound of its own. Zero or less: the default.
func WithMaxInFlight(n int) ShedOption {
	return shedOptionFunc(func(c *config) { c.maxInFlight = max(n, 0) })
}

// Capacity is what a concurrency limiter reports of its use: the calls it
// lets through now and how many it lets through at most. ext/ratelimit's
// Concurrency and Adaptive limiters implement it.
type Capacity interface {
	InFlight() int
	Limit() int
}

// WithCapacity makes the [Shed] layer refuse a call when c is full (as many
// calls in flight as its limit), instead of letting it reach c to wait in
// its queue or be refused later. Read by [Shed].
//
// Default: none.
func WithCapacity(c Capacity) ShedOption {
	return shedOptionFunc(func(cfg *config) { cfg.capacity = c })
}

// WithReady makes the [Shed] layer refuse a call when ready returns false:
// the test for any other limiter, such as func() bool { return
// lim.Tokens() >= 1 } for a *rate.Limiter. It runs on every call. Read by
// [Shed].
//
// Default: none.
func WithReady(ready func() bool) ShedOption {
	return shedOptionFunc(func(c *config) { c.ready = ready })
}
