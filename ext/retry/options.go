package retry

import (
	"context"
	"maps"
	"math/rand/v2"
	"time"
)

// An Option configures a layer of this package. Each option says which
// constructors read it ([New], [Shed]); the others ignore it, so one list
// can serve several layers. Out-of-range values are clamped, as each option
// says: no option makes a constructor fail, except one written for another
// request or response type, which fails the build with [ErrTypeMismatch].
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// Defaults of the hedging options.
const (
	DefaultMaxExtraLoad  = 0.05
	DefaultLatencyWindow = 10 * time.Second
)

type config struct {
	policy       Policy
	methodKey    any // func(ctx context.Context, req Req) string
	methods      map[string]Policy
	classifier   any // Classifier[Resp]
	clone        any // func(Req) Req
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

func newConfig(opts []Option) *config {
	c := &config{
		chainStop:    true,
		overloadStop: true,
		maxExtraLoad: DefaultMaxExtraLoad,
		window:       DefaultLatencyWindow,
		clk:          defaultClock,
		rnd:          rand.Int64N,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	if !c.budgetSet {
		c.budget = DefaultBudget()
	}
	return c
}

// WithPolicy sets the policy of every call, or, with [WithMethodPolicies],
// of the methods without one of their own. Read by [New].
//
// Default: the zero Policy (3 attempts, backoff from 10ms to 1s with full
// jitter, only calls never sent are retried, no hedging).
func WithPolicy(p Policy) Option {
	return optionFunc(func(c *config) { c.policy = p })
}

// WithMethodPolicies gives methods policies of their own: method returns
// the key of a call (its method name, from the request or the context), and
// a key found in policies takes that policy; any other takes the one of
// [WithPolicy]. The map is copied; its size bounds the state the layer
// keeps per method. Req must be the layer's request type, or building the
// layer fails with [ErrTypeMismatch]. Read by [New].
//
// Default: one policy for every call.
func WithMethodPolicies[Req any](method func(ctx context.Context, req Req) string, policies map[string]Policy) Option {
	policies = maps.Clone(policies)
	return optionFunc(func(c *config) {
		if method == nil {
			c.methodKey, c.methods = nil, nil
			return
		}
		c.methodKey, c.methods = method, policies
	})
}

// WithClassifier sets how the result of an attempt is classified. A nil f
// keeps the default. Resp must be the layer's response type, or building
// the layer fails with [ErrTypeMismatch]. Read by [New].
//
// Default: [ClassifyError] on the error alone.
func WithClassifier[Resp any](f Classifier[Resp]) Option {
	return optionFunc(func(c *config) {
		if f == nil {
			c.classifier = nil
			return
		}
		c.classifier = f
	})
}

// WithBudget sets the budget the layer's retries and hedges spend. Give
// every layer that calls one target the same budget. A nil b turns the
// budget off, as [WithoutBudget] does. Read by [New].
//
// Default: a budget of the layer's own, [DefaultBudget].
func WithBudget(b Budget) Option {
	return optionFunc(func(c *config) { c.budget, c.budgetSet = b, true })
}

// WithoutBudget turns the budget off: retries and hedges are bounded by the
// policies alone, per call. A target that fails for every call then gets
// MaxAttempts times its calls; use it in tests, or where something else
// bounds the load. Read by [New].
func WithoutBudget() Option {
	return optionFunc(func(c *config) { c.budget, c.budgetSet = nil, true })
}

// WithoutChainStop makes the layer retry requests that are themselves
// retries from upstream (whose context carries [MetainfoKey]). The layer
// still marks its own retries. Read by [New].
//
// Default: such a request is not retried or hedged again (Kitex's chain
// stop), so a failure deep in a chain of services is retried by one layer,
// not by every layer above it.
func WithoutChainStop() Option {
	return optionFunc(func(c *config) { c.chainStop = false })
}

// WithoutOverloadStop makes the layer retry, when the classifier says so,
// errors that say not to ([DoNotRetry]: an *Error from a layer below, a
// shed, a "resource_exhausted" code). Read by [New].
//
// Default: such errors are returned at once.
func WithoutOverloadStop() Option {
	return optionFunc(func(c *config) { c.overloadStop = false })
}

// WithOnDecision sets a hook called with each decision a layer takes about
// a call: a retry, a hedge, a budget exhausted, a chain stopped, a shed
// (see [Reason]). It runs on the call's goroutine, so it should be quick:
// count or annotate a span, do not block. It is the place to feed metrics or
// tracing without this module importing either. Read by [New] and [Shed].
//
// Default: none.
func WithOnDecision(f func(ctx context.Context, d Decision)) Option {
	return optionFunc(func(c *config) { c.onDecision = f })
}

// WithMaxExtraLoad bounds the hedges of a layer to share of its calls, over
// its latency window, on top of what the budget allows (Finagle's
// maxExtraLoad). It is clamped to [0, MaxAttempts-1]; zero sends no
// hedges. Read by [New], for policies that hedge.
//
// Default: 0.05, at most one hedge per twenty calls.
func WithMaxExtraLoad(share float64) Option {
	return optionFunc(func(c *config) {
		if !(share >= 0) {
			share = 0
		}
		c.maxExtraLoad = min(share, MaxAttempts-1)
	})
}

// WithLatencyWindow sets the window over which a layer measures the latency
// of its calls for [Policy].HedgePercentile, and over which it counts its
// hedges for [WithMaxExtraLoad]: the percentile is that of the calls of the
// last window to one and a half windows. It is clamped to [1s, 1h]. Read by
// [New].
//
// Default: 10s.
func WithLatencyWindow(d time.Duration) Option {
	return optionFunc(func(c *config) { c.window = min(max(d, time.Second), time.Hour) })
}

// WithClone gives each hedge its own copy of the request: clone must return
// a request that an attempt can use while another uses the original, for
// requests that the service below writes to (such as volo's *thrift.Call,
// whose reply is decoded into it). Req must be the layer's request type, or
// building the layer fails with [ErrTypeMismatch]. Read by [New], for
// policies that hedge; sequential retries reuse the request.
//
// Default: attempts share the request.
func WithClone[Req any](clone func(Req) Req) Option {
	return optionFunc(func(c *config) {
		if clone == nil {
			c.clone = nil
			return
		}
		c.clone = clone
	})
}

// WithMaxInFlight makes the [Shed] layer refuse a call when n calls are in
// flight through it already. n below 1 turns the bound off. Read by [Shed].
//
// Default: no bound of its own.
func WithMaxInFlight(n int) Option {
	return optionFunc(func(c *config) { c.maxInFlight = max(n, 0) })
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
func WithCapacity(c Capacity) Option {
	return optionFunc(func(cfg *config) { cfg.capacity = c })
}

// WithReady makes the [Shed] layer refuse a call when ready returns false:
// the test for any other limiter, such as func() bool { return
// lim.Tokens() >= 1 } for a *rate.Limiter. It runs on every call. Read by
// [Shed].
//
// Default: none.
func WithReady(ready func() bool) Option {
	return optionFunc(func(c *config) { c.ready = ready })
}
