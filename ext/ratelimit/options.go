package ratelimit

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Each constructor reads its own options, and an option it does not read
// does not compile there:
//
//   - [Rate] takes [RateOption]s: [WithWait], [WithOnReject].
//   - [NewKeyed] takes [KeyedOption]s: those of Rate, [WithMaxKeys] and
//     [WithIdleTimeout].
//   - [NewConcurrency] takes [ConcurrencyOption]s: [WithQueue], [WithLIFO],
//     [WithOnReject].
//   - [NewAdaptive] takes [AdaptiveOption]s: those of NewConcurrency and
//     [WithClassifier].
//
// Zero or less, and nil, mean the default each option states; no value is
// clamped to the nearest valid one.

// A RateOption configures a [Rate] layer.
type RateOption interface{ applyRate(*config) }

// A KeyedOption configures a [NewKeyed] layer.
type KeyedOption interface{ applyKeyed(*config) }

// A ConcurrencyOption configures a [NewConcurrency] layer.
type ConcurrencyOption interface{ applyConcurrency(*config) }

// An AdaptiveOption configures a [NewAdaptive] layer.
type AdaptiveOption interface{ applyAdaptive(*config) }

// A BucketOption configures both token-bucket limiters, [Rate] and
// [NewKeyed].
type BucketOption interface {
	RateOption
	KeyedOption
}

// A QueueOption configures both concurrency limiters, [NewConcurrency] and
// [NewAdaptive].
type QueueOption interface {
	ConcurrencyOption
	AdaptiveOption
}

// An Option configures every limiter of this package.
type Option interface {
	BucketOption
	QueueOption
}

// The option types: each has the methods of the constructors that read it,
// and no others.
type (
	anyOption      func(*config)
	bucketOption   func(*config)
	keyedOption    func(*config)
	queueOption    func(*config)
	adaptiveOption func(*config)
)

func (f anyOption) applyRate(c *config)        { f(c) }
func (f anyOption) applyKeyed(c *config)       { f(c) }
func (f anyOption) applyConcurrency(c *config) { f(c) }
func (f anyOption) applyAdaptive(c *config)    { f(c) }
func (f bucketOption) applyRate(c *config)     { f(c) }
func (f bucketOption) applyKeyed(c *config)    { f(c) }
func (f keyedOption) applyKeyed(c *config)     { f(c) }
func (f queueOption) applyConcurrency(c *config) {
	f(c)
}
func (f queueOption) applyAdaptive(c *config)    { f(c) }
func (f adaptiveOption) applyAdaptive(c *config) { f(c) }

type config struct {
	// wait mode of the token bucket; off by default: reject at once.
	wait    bool
	maxWait time.Duration // 0: bounded by the context only

	// queue of the concurrency limiters; none by default.
	queue     int
	queueWait time.Duration // 0: bounded by the context only
	lifo      bool

	onReject func(ctx context.Context, e LimitedError)

	// per-key state bounds.
	maxKeys int           // default 10,000
	idle    time.Duration // default 1 minute

	classify func(err error) Outcome

	mu sync.Mutex // orders the clock readings of waiting callers; see reserve
}

const (
	defaultMaxKeys = 10_000
	defaultIdle    = time.Minute
)

func defaultConfig() *config {
	return &config{
		maxKeys:  defaultMaxKeys,
		idle:     defaultIdle,
		classify: DefaultClassifier,
	}
}

func rateConfig(opts []RateOption) *config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyRate(c)
		}
	}
	return c
}

func keyedConfig(opts []KeyedOption) *config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyKeyed(c)
		}
	}
	return c
}

func concurrencyConfig(opts []ConcurrencyOption) *config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyConcurrency(c)
		}
	}
	return c
}

func adaptiveConfig(opts []AdaptiveOption) *config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyAdaptive(c)
		}
	}
	return c
}

// WithWait makes a token-bucket limiter ([Rate], [NewKeyed]) wait for a
// token instead of rejecting at once: a call waits when the token it reserves
// comes before the context's deadline and within maxWait; otherwise it is
// rejected at once, without waiting in vain. A maxWait of zero or less bounds
// the wait by the context alone. A call whose context ends while it waits gets
// the context's error and gives its token back. A bucket whose token never
// comes (a rate of zero or less, or one too low for a time.Duration to
// reach the next token) rejects at once, with no RetryAfter hint.
//
// Default: no waiting; a call finding the bucket empty is rejected.
func WithWait(maxWait time.Duration) BucketOption {
	return bucketOption(func(c *config) {
		c.wait = true
		c.maxWait = max(maxWait, 0)
	})
}

// WithQueue lets callers of a concurrency limiter ([NewConcurrency],
// [NewAdaptive]) that find every slot taken wait in a queue of at most size
// callers, each for at most maxWait (and never past its context). A caller
// finding the queue full, or still queued after maxWait, is rejected; one
// whose context ends leaves the queue and gets the context's error. A size
// of zero or less means no queue; a maxWait of zero or less bounds the wait
// by the context alone.
//
// Default: no queue; a call finding every slot taken is rejected at once.
func WithQueue(size int, maxWait time.Duration) QueueOption {
	return queueOption(func(c *config) {
		c.queue = max(size, 0)
		c.queueWait = max(maxWait, 0)
	})
}

// WithLIFO serves the queue of a concurrency limiter newest first. Under
// sustained overload the oldest callers have most likely given up already;
// serving the newest keeps latency low for the callers still waiting, at the
// cost of fairness.
//
// Default: first in, first out.
func WithLIFO() QueueOption {
	return queueOption(func(c *config) { c.lifo = true })
}

// WithOnReject sets a hook called with each rejection, before the error is
// returned; the key of a per-key limiter is in e.Key. It runs on the caller's
// goroutine, so it should be quick: count, do not block. It is the place to
// feed a metrics library without this module importing one.
//
// Default: none.
func WithOnReject(f func(ctx context.Context, e LimitedError)) Option {
	return anyOption(func(c *config) { c.onReject = f })
}

// WithMaxKeys bounds the number of keys a per-key limiter ([NewKeyed])
// holds; when a new key arrives at the bound the least recently used key is
// forgotten. Keep it above the number of keys active at once: a forgotten
// key that comes back starts with a full bucket.
//
// Default: 10,000. Zero or less: the default.
func WithMaxKeys(n int) KeyedOption {
	return keyedOption(func(c *config) {
		if n <= 0 {
			n = defaultMaxKeys
		}
		c.maxKeys = n
	})
}

// WithIdleTimeout makes a per-key limiter ([NewKeyed]) forget a key unused
// for d. It is never shorter than the time a bucket takes to refill
// (burst/limit), so forgetting a key never gives it more than its rate.
// Expiry is lazy: it happens during calls, with no goroutine of its own.
//
// Default: 1 minute. Zero or less: the default.
func WithIdleTimeout(d time.Duration) KeyedOption {
	return keyedOption(func(c *config) {
		if d <= 0 {
			d = defaultIdle
		}
		c.idle = d
	})
}

// WithClassifier sets how the adaptive limiter ([NewAdaptive]) reads the
// inner service's result. A nil f restores [DefaultClassifier].
//
// Default: [DefaultClassifier].
func WithClassifier(f func(err error) Outcome) AdaptiveOption {
	return adaptiveOption(func(c *config) {
		if f == nil {
			f = DefaultClassifier
		}
		c.classify = f
	})
}

// Outcome is how the adaptive limiter counts a finished call.
type Outcome int

const (
	// Success: the call's latency is a sample of the service's health.
	Success Outcome = iota
	// Drop: the call failed in a way that signals overload (a timeout, a
	// rejection from further down); the limit goes down.
	Drop
	// Ignore: the call says nothing about load (the caller gave up).
	Ignore
)

// DefaultClassifier counts a nil error and ordinary errors as a Success
// (their latency still tells how loaded the service is), a deadline exceeded
// or a rejection of this package ([ErrLimited]) as a Drop, and a cancelled
// context as Ignore.
func DefaultClassifier(err error) Outcome {
	switch {
	case err == nil:
		return Success
	case errors.Is(err, ErrLimited), errors.Is(err, context.DeadlineExceeded):
		return Drop
	case errors.Is(err, context.Canceled):
		return Ignore
	default:
		return Success
	}
}

// reject reports e to the hook and returns it as an error. The error is the
// one allocation of a rejected call.
func (c *config) reject(ctx context.Context, e LimitedError) error {
	if c.onReject != nil {
		c.onReject(ctx, e)
	}
	return &e
}
