package circuitbreaker

import (
	"math"
	"time"
)

// A BreakerOption configures a breaker made by [New].
type BreakerOption interface{ applyBreaker(*config) }

// A GroupOption configures a group made by [NewGroup].
type GroupOption interface{ applyGroup(*config) }

// An Option configures both a breaker and a group: it is a BreakerOption
// and a GroupOption. Options read by one of them only return that one's
// type, so passing them to the other does not compile.
//
// Zero or less, and nil, mean the default each option states; values above
// a documented maximum are lowered to it. A rule or feature that can be
// turned off has a Without... option.
type Option interface {
	BreakerOption
	GroupOption
}

type (
	optionFunc        func(*config)
	breakerOptionFunc func(*config)
	groupOptionFunc   func(*config)
)

func (f optionFunc) applyBreaker(c *config)        { f(c) }
func (f optionFunc) applyGroup(c *config)          { f(c) }
func (f breakerOptionFunc) applyBreaker(c *config) { f(c) }
func (f groupOptionFunc) applyGroup(c *config)     { f(c) }

// Defaults. Each is documented on the option that changes it.
const (
	defaultConsecutive = 5
	defaultRate        = 0.5
	defaultMinSamples  = 20
	defaultWindow      = 10 * time.Second
	defaultBuckets     = 10
	defaultOpenTimeout = 5 * time.Second
	defaultProbes      = 1
	defaultMaxKeys     = 1024
	defaultIdleTimeout = 10 * time.Minute

	// minBucket keeps a rolling bucket long enough to hold a few calls.
	minBucket = time.Millisecond
	// maxBuckets bounds the memory of a breaker's window (12 bytes a
	// bucket), which a group pays once per key.
	maxBuckets = 1000
)

type config struct {
	name          string
	consecutive   uint32
	rate          float64
	minSamples    uint32
	window        time.Duration
	buckets       int
	openTimeout   time.Duration
	probes        uint32
	onStateChange func(key string, from, to State)
	maxKeys       int
	idleTimeout   time.Duration
}

func breakerConfig(opts []BreakerOption) config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyBreaker(&c)
		}
	}
	return c
}

func groupConfig(opts []GroupOption) config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyGroup(&c)
		}
	}
	return c
}

func defaultConfig() config {
	return config{
		consecutive: defaultConsecutive,
		rate:        defaultRate,
		minSamples:  defaultMinSamples,
		window:      defaultWindow,
		buckets:     defaultBuckets,
		openTimeout: defaultOpenTimeout,
		probes:      defaultProbes,
		maxKeys:     defaultMaxKeys,
		idleTimeout: defaultIdleTimeout,
	}
}

// WithName names the breaker made by [New]: the name is the key in its
// rejection errors, its state-change hook and its [Snapshot]. Default: ""
// (no name). A group takes its keys from its key function, so only a
// breaker reads it.
func WithName(name string) BreakerOption {
	return breakerOptionFunc(func(c *config) { c.name = name })
}

// WithConsecutiveFailures trips a closed breaker when n calls in a row
// fail (ignored calls do not break the run). Default: 5. Zero: the
// default. [WithoutConsecutiveFailures] turns this rule off.
func WithConsecutiveFailures(n uint32) Option {
	return optionFunc(func(c *config) {
		if n == 0 {
			n = defaultConsecutive
		}
		c.consecutive = n
	})
}

// WithoutConsecutiveFailures turns off the rule of [WithConsecutiveFailures],
// so that only the failure rate trips the breaker.
func WithoutConsecutiveFailures() Option {
	return optionFunc(func(c *config) { c.consecutive = 0 })
}

// WithFailureRate trips a closed breaker when, within the rolling window,
// at least minSamples calls have succeeded or failed and the failed share
// of them reaches rate. Default: 0.5 with 20 samples. A rate of zero or
// less (or NaN), and a minSamples of zero, mean their defaults; a rate
// above 1 is lowered to 1 (trip only when every call fails).
// [WithoutFailureRate] turns this rule off.
func WithFailureRate(rate float64, minSamples uint32) Option {
	return optionFunc(func(c *config) {
		switch {
		case math.IsNaN(rate) || rate <= 0:
			rate = defaultRate
		case rate > 1:
			rate = 1
		}
		if minSamples == 0 {
			minSamples = defaultMinSamples
		}
		c.rate = rate
		c.minSamples = minSamples
	})
}

// WithoutFailureRate turns off the rule of [WithFailureRate], so that only
// consecutive failures trip the breaker.
func WithoutFailureRate() Option {
	return optionFunc(func(c *config) { c.rate = 0 })
}

// WithWindow sets the rolling window over which a closed breaker counts
// results, split into buckets that expire one at a time. Default: 10s in
// 10 buckets. A window or a number of buckets of zero or less means its
// default; buckets above 1000 are lowered to 1000, and fewer buckets are
// used where they would be shorter than a millisecond. One bucket resets
// the counts all at once at the end of each window.
func WithWindow(window time.Duration, buckets int) Option {
	return optionFunc(func(c *config) {
		if window <= 0 {
			window = defaultWindow
		}
		if buckets <= 0 {
			buckets = defaultBuckets
		}
		buckets = min(buckets, maxBuckets)
		if window/time.Duration(buckets) < minBucket {
			buckets = max(int(window/minBucket), 1)
		}
		c.window, c.buckets = window, buckets
	})
}

// WithOpenTimeout sets how long a tripped breaker stays open before it lets
// probe calls through. Default: 5s. Zero or less keeps the default.
func WithOpenTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d <= 0 {
			d = defaultOpenTimeout
		}
		c.openTimeout = d
	})
}

// WithHalfOpenProbes sets how many calls a half-open breaker lets through:
// the breaker closes when that many succeed in a row and opens again at the
// first failure; other calls meanwhile get ErrTooManyRequests. Default: 1.
// Zero: the default.
func WithHalfOpenProbes(n uint32) Option {
	return optionFunc(func(c *config) {
		if n == 0 {
			n = defaultProbes
		}
		c.probes = n
	})
}

// WithOnStateChange sets a hook called with the key and both states each
// time a breaker changes state. Default: none. It runs synchronously while
// that breaker's lock is held, so it must be quick and must not call back
// into the breaker or group (no Snapshot from inside the hook); hand the
// event to a channel or a metrics counter instead.
func WithOnStateChange(f func(key string, from, to State)) Option {
	return optionFunc(func(c *config) { c.onStateChange = f })
}

// WithMaxKeys bounds the number of keys a group keeps. When a new key would
// exceed it, the group first drops idle keys, then evicts one key, preferring
// a closed breaker that was not used lately. Default: 1024. Zero or less
// keeps the default. Only a group reads it.
func WithMaxKeys(n int) GroupOption {
	return groupOptionFunc(func(c *config) {
		if n <= 0 {
			n = defaultMaxKeys
		}
		c.maxKeys = n
	})
}

// WithIdleTimeout drops a group's key once it has gone unused for d: its
// breaker is forgotten and a later call starts a new, closed one. The check
// runs when a key is added and d has passed since the last check, and drops
// the keys not used since the check before; so a key goes after between d
// and 2d unused, at the next addition, and no timer runs in the background.
// Default: 10 minutes. Zero or less: the default. Only a group reads it;
// [WithoutIdleTimeout] turns idle expiry off.
func WithIdleTimeout(d time.Duration) GroupOption {
	return groupOptionFunc(func(c *config) {
		if d <= 0 {
			d = defaultIdleTimeout
		}
		c.idleTimeout = d
	})
}

// WithoutIdleTimeout keeps a group's keys however long they go unused:
// they leave only by [Group.Remove] or eviction at [WithMaxKeys].
func WithoutIdleTimeout() GroupOption {
	return groupOptionFunc(func(c *config) { c.idleTimeout = 0 })
}
