package retry

import "time"

// clock is the layers' view of time: a monotonic reading, and timers for
// backoff waits and hedge delays. Tests swap in a fake.
type clock interface {
	// now returns the time elapsed since an arbitrary fixed instant.
	now() time.Duration
	// newTimer returns a timer that fires once after d.
	newTimer(d time.Duration) timer
}

type timer interface {
	C() <-chan time.Time
	Stop() bool
}

// realClock reads the monotonic clock alone: time.Since of a fixed instant
// reads one clock where time.Now reads two.
type realClock struct{ epoch time.Time }

func newRealClock() realClock { return realClock{epoch: time.Now()} }

func (c realClock) now() time.Duration { return time.Since(c.epoch) }

func (c realClock) newTimer(d time.Duration) timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (t realTimer) C() <-chan time.Time { return t.t.C }
func (t realTimer) Stop() bool          { return t.t.Stop() }

var defaultClock clock = newRealClock()
