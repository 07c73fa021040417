package circuitbreaker

import (
	"math"
	"time"
)

// Option configures a breaker made by [New] or a group made by [NewGroup].
// Out-of-range values never fail: each option says how it clamps them.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

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
	classifier    any // a Classifier[Resp], checked against Resp when built
	onStateChange func(key string, from, to State)
	maxKeys       int
	idleTimeout   time.Duration
}

func newConfig(opts []Option) config {
	c := config{
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
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

// WithName names the breaker made by [New]: the name is the key in its
// rejection errors, its state-change hook and its [Snapshot]. Default: ""
// (no name). A group takes its keys from its key function and ignores it.
func WithName(name string) Option {
	return optionFunc(func(c *config) { c.name = name })
}

// WithConsecutiveFailures trips a closed breaker when n calls in a row
// fail (ignored calls do not break the run). Default: 5. Zero turns this
// rule off.
func WithConsecutiveFailures(n uint32) Option {
	return optionFunc(func(c *config) { c.consecutive = n })
}

// WithFailureRate trips a closed breaker when, within the rolling window,
// at least minSamples calls have succeeded or failed and the failed share
// of them reaches rate. Default: 0.5 with 20 samples. A rate of zero or
// less (or NaN) turns this rule off; a rate above 1 is taken as 1 (trip
// only when every call fails); a minSamples of 0 is taken as 1.
func WithFailureRate(rate float64, minSamples uint32) Option {
	return optionFunc(func(c *config) {
		switch {
		case math.IsNaN(rate) || rate <= 0:
			rate = 0
		case rate > 1:
			rate = 1
		}
		c.rate = rate
		c.minSamples = max(minSamples, 1)
	})
}

// WithWindow sets the rolling window over which a closed breaker counts
// results, split into buckets that expire one at a time. Default: 10s in
// 10 buckets. A window of zero or less keeps the default; buckets below 1
// are taken as 1 (the counts then reset all at once at the end of each
// window), buckets above 1000 as 1000, and buckets are made no shorter
// than a millisecond.
func WithWindow(window time.Duration, buckets int) Option {
	return optionFunc(func(c *config) {
		if window <= 0 {
			window = defaultWindow
		}
		buckets = min(max(buckets, 1), maxBuckets)
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
// Zero is taken as 1.
func WithHalfOpenProbes(n uint32) Option {
	return optionFunc(func(c *config) { c.probes = max(n, 1) })
}

// WithClassifier sets how a finished call counts. Default: [ClassifyError]
// on the error alone. The classifier's Resp must be the response type of
// the layer it configures; if it is not, building the layer fails with a
// *motore.BuildError wrapping [ErrClassifierType]. A nil classifier keeps
// the default.
func WithClassifier[Resp any](f Classifier[Resp]) Option {
	return optionFunc(func(c *config) {
		if f == nil {
			c.classifier = nil
			return
		}
		c.classifier = f
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
// keeps the default. A breaker made by [New] ignores it.
func WithMaxKeys(n int) Option {
	return optionFunc(func(c *config) {
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
// Default: 10 minutes. Zero or less turns idle
// expiry off (keys then leave only by [Group.Remove] or eviction). A breaker
// made by [New] ignores it.
func WithIdleTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.idleTimeout = max(d, 0) })
}
