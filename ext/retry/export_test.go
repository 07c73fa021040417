package retry

import (
	"sync"
	"time"
)

// FakeClock is a clock that moves only when told to, or when a wait on one
// of its timers starts: the timer moves the clock to its end and fires at
// once. That fits code that waits on one timer at a time, as a sequential
// retry does. Its wall time starts a day ahead of the real one, so that a
// real context with a deadline taken from it does not expire during a test.
type FakeClock struct {
	mu   sync.Mutex
	t    time.Duration
	base time.Time
}

// NewFakeClock returns a fake clock at zero.
func NewFakeClock() *FakeClock { return &FakeClock{base: time.Now().Add(24 * time.Hour)} }

// Advance moves the clock forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t += d
	c.mu.Unlock()
}

// Elapsed returns the time the clock has moved.
func (c *FakeClock) Elapsed() time.Duration { return c.now() }

// Now returns the clock's wall time.
func (c *FakeClock) Now() time.Time { return c.wall(c.now()) }

func (c *FakeClock) now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *FakeClock) wall(now time.Duration) time.Time { return c.base.Add(now) }

func (c *FakeClock) newTimer(d time.Duration) timer {
	c.Advance(d)
	ch := make(chan time.Time, 1)
	ch <- c.Now()
	return fakeTimer(ch)
}

type fakeTimer chan time.Time

func (t fakeTimer) C() <-chan time.Time { return t }
func (t fakeTimer) Stop() bool          { return false }

// WithClock makes a layer read c.
func WithClock(c *FakeClock) Option { return optionFunc(func(cfg *config) { cfg.clk = c }) }

// WithFreshClock makes a layer read a real clock started now: inside a
// testing/synctest bubble, the bubble's clock.
func WithFreshClock() Option { return optionFunc(func(cfg *config) { cfg.clk = newRealClock() }) }

// WithRand sets the source of backoff jitter: f(n) returns a value in
// [0, n).
func WithRand(f func(n int64) int64) Option { return optionFunc(func(cfg *config) { cfg.rnd = f }) }

// BucketOf and BucketTop expose the latency histogram's buckets.
var BucketOf, BucketTop = bucketOf, bucketTop
