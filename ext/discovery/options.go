package discovery

import (
	"math/rand/v2"
	"time"
)

// MaxRetries bounds WithRetries.
const MaxRetries = 8

// An Option configures a [Balancer]. Zero or less, and nil, mean the
// default each option states; values above a documented maximum are
// lowered to it, and a feature is turned off only by its Without... option.
// No option makes NewBalancer fail.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	policy       Policy
	retries      int
	isConn       func(error) bool
	failures     int
	ejectFor     time.Duration
	maxEjectPct  int
	filter       func(Instance) bool
	rnd          func() uint64
	onWatchError func(error)
}

// Defaults, each documented on the option that changes it.
const (
	defaultRetries     = 1
	defaultFailures    = 5
	defaultEjectFor    = 10 * time.Second
	defaultMaxEjectPct = 50
)

func newConfig(opts []Option) config {
	c := config{
		policy:       RoundRobin(),
		retries:      defaultRetries,
		isConn:       IsConnectionError,
		failures:     defaultFailures,
		ejectFor:     defaultEjectFor,
		maxEjectPct:  defaultMaxEjectPct,
		rnd:          rand.Uint64,
		onWatchError: func(error) {},
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// WithPolicy sets how an instance is picked. Default: RoundRobin(). A nil p
// keeps the default.
func WithPolicy(p Policy) Option {
	return optionFunc(func(c *config) {
		if p != nil {
			c.policy = p
		}
	})
}

// WithRetries sets how many times the LoadBalance layer retries a call that
// failed without reaching the instance (see WithConnectionClassifier), each
// time on an instance not tried yet for that call. Default: 1. Zero or
// less: the default; above MaxRetries: MaxRetries. [WithoutRetries] turns
// retrying off.
func WithRetries(n int) Option {
	return optionFunc(func(c *config) {
		if n <= 0 {
			n = defaultRetries
		}
		c.retries = min(n, MaxRetries)
	})
}

// WithoutRetries makes the LoadBalance layer return the error of the first
// pick, even one that never reached the instance.
func WithoutRetries() Option {
	return optionFunc(func(c *config) { c.retries = 0 })
}

// WithConnectionClassifier sets the function that tells the error of a
// call that never reached the instance, which the LoadBalance layer retries
// on another instance, from any other. Default: IsConnectionError, which
// takes failed connections and any error that says NotSent() true (the
// rejections of a circuit breaker or a limiter under the balancer). A nil
// f keeps the default.
//
// Of the errors f accepts, every one counts toward ejection (see
// WithOutlierDetection) except a rejection by the caller's own limiter: an
// error that says NotSent() true and whose RPC code is
// "resource_exhausted" (ext/ratelimit's). A limit says nothing of the
// instance's health, and one shared by every instance would eject them all;
// a breaker per instance that is open has judged the instance sick, so its
// rejections count like failed connections. An error that says NotSent()
// true is never a latency sample for PeakEWMA and never ends a run of
// failures, whatever f says.
func WithConnectionClassifier(f func(err error) bool) Option {
	return optionFunc(func(c *config) {
		if f != nil {
			c.isConn = f
		}
	})
}

// WithOutlierDetection ejects an instance after failures errors in a row
// that count toward ejection (failed connections, an open breaker's
// rejections; see WithConnectionClassifier), for ejectFor times the number
// of ejections in a row (at most 10 times ejectFor). A call that reached
// the instance, even one that failed there, resets both counts; a
// limiter's rejection leaves them as they are. Default: 5 failures, 10s.
// Zero or less: the default, for each; an ejectFor under 1ms is raised to
// 1ms. [WithoutOutlierDetection] turns ejection off.
func WithOutlierDetection(failures int, ejectFor time.Duration) Option {
	return optionFunc(func(c *config) {
		if failures <= 0 {
			failures = defaultFailures
		}
		if ejectFor <= 0 {
			ejectFor = defaultEjectFor
		}
		c.failures = failures
		c.ejectFor = max(ejectFor, time.Millisecond)
	})
}

// WithoutOutlierDetection never ejects an instance, however often calls to
// it fail to reach it.
func WithoutOutlierDetection() Option {
	return optionFunc(func(c *config) { c.failures = 0 })
}

// WithMaxEjectedPercent bounds the share of instances ejected at once, so a
// fault on the caller's side cannot eject them all. One instance may always
// be ejected. Default: 50. Zero or less: the default; above 100: 100. When
// every instance is unusable, ejected ones are picked anyway.
func WithMaxEjectedPercent(pct int) Option {
	return optionFunc(func(c *config) {
		if pct <= 0 {
			pct = defaultMaxEjectPct
		}
		c.maxEjectPct = min(pct, 100)
	})
}

// WithFilter keeps only the instances for which keep returns true, for
// routing by tags. It runs on each update, never per call. Default: keep
// all.
func WithFilter(keep func(Instance) bool) Option {
	return optionFunc(func(c *config) { c.filter = keep })
}

// WithRandom sets the source of random numbers of the random policies. It
// must be safe for concurrent use. Default: math/rand/v2.Uint64. A seeded
// source makes picks reproducible in tests. A nil f keeps the default.
func WithRandom(f func() uint64) Option {
	return optionFunc(func(c *config) {
		if f != nil {
			c.rnd = f
		}
	})
}

// WithWatchErrorHandler receives the errors of the watcher behind the
// balancer (the balancer keeps its last instances and retries). Default:
// errors are dropped. A nil f keeps the default.
func WithWatchErrorHandler(f func(error)) Option {
	return optionFunc(func(c *config) {
		if f != nil {
			c.onWatchError = f
		}
	})
}
