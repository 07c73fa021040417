package circuitbreaker

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

const ms = time.Millisecond

// at advances w to now and records the outcomes given as a string of
// s (success), f (failure) and i (ignored).
func at(w *window, now time.Duration, outcomes string) {
	w.advance(now)
	for _, o := range outcomes {
		switch o {
		case 's':
			w.success()
		case 'f':
			w.failure()
		case 'i':
			w.ignore()
		}
	}
}

func TestWindowRollsOneBucketAtATime(t *testing.T) {
	w := newWindow(100*ms, 10) // buckets of 10ms
	w.reset(0)
	at(&w, 0, "ss")
	at(&w, 15*ms, "fi")
	at(&w, 95*ms, "s")
	assert.Equal(t, Counts{Requests: 5, Successes: 3, Failures: 1, Ignored: 1, ConsecutiveSuccesses: 1}, w.counts())

	// The bucket of 0-10ms expires at 100ms, the one of 10-20ms at 110ms.
	at(&w, 100*ms, "")
	assert.Equal(t, Counts{Requests: 3, Successes: 1, Failures: 1, Ignored: 1, ConsecutiveSuccesses: 1}, w.counts())
	at(&w, 110*ms, "")
	assert.Equal(t, Counts{Requests: 1, Successes: 1, ConsecutiveSuccesses: 1}, w.counts())
	at(&w, 195*ms, "")
	assert.Equal(t, Counts{}, w.counts())
}

func TestWindowJumpPastEveryBucketEmptiesIt(t *testing.T) {
	w := newWindow(100*ms, 10)
	w.reset(0)
	at(&w, 5*ms, "fff")
	at(&w, time.Hour, "s")
	assert.Equal(t, Counts{Requests: 1, Successes: 1, ConsecutiveSuccesses: 1}, w.counts())
}

func TestWindowRunLosesOnlyItsExpiredCalls(t *testing.T) {
	w := newWindow(40*ms, 4) // buckets of 10ms
	w.reset(0)
	at(&w, 0, "sff")  // run of failures begins in bucket 0 with 2 calls
	at(&w, 10*ms, "") // bucket 1 has none
	at(&w, 20*ms, "fi")
	at(&w, 30*ms, "ff")
	assert.Equal(t, uint32(5), w.counts().ConsecutiveFailures)

	at(&w, 40*ms, "") // bucket 0 expires with the success and 2 of the run
	assert.Equal(t, Counts{Requests: 4, Failures: 3, Ignored: 1, ConsecutiveFailures: 3}, w.counts())
	at(&w, 50*ms, "") // bucket 1 had none of the run
	assert.Equal(t, uint32(3), w.counts().ConsecutiveFailures)
	at(&w, 60*ms, "") // bucket 2 had 1 of it
	assert.Equal(t, Counts{Requests: 2, Failures: 2, ConsecutiveFailures: 2}, w.counts())
	at(&w, 70*ms, "")
	assert.Equal(t, Counts{}, w.counts())
}

func TestWindowRunStartedMidBucket(t *testing.T) {
	w := newWindow(20*ms, 2)
	w.reset(0)
	at(&w, 0, "ffsss") // a run of failures, broken; then 3 successes
	at(&w, 10*ms, "ss")
	assert.Equal(t, uint32(5), w.counts().ConsecutiveSuccesses)
	at(&w, 20*ms, "") // bucket 0 expires: the run keeps the 2 of bucket 1
	assert.Equal(t, Counts{Requests: 2, Successes: 2, ConsecutiveSuccesses: 2}, w.counts())
	at(&w, 25*ms, "f")
	assert.Equal(t, Counts{Requests: 3, Successes: 2, Failures: 1, ConsecutiveFailures: 1}, w.counts())
}

func TestWindowWithOneBucketResetsAtTheEndOfEachPeriod(t *testing.T) {
	w := newWindow(time.Second, 1)
	w.reset(500 * ms) // periods start when counting starts
	at(&w, 600*ms, "ff")
	at(&w, 1499*ms, "s")
	assert.Equal(t, Counts{Requests: 3, Successes: 1, Failures: 2, ConsecutiveSuccesses: 1}, w.counts())
	at(&w, 1500*ms, "f")
	assert.Equal(t, Counts{Requests: 1, Failures: 1, ConsecutiveFailures: 1}, w.counts())
}

func TestWindowResetStartsAgain(t *testing.T) {
	w := newWindow(100*ms, 10)
	w.reset(0)
	at(&w, 50*ms, "fff")
	w.reset(60 * ms)
	assert.Equal(t, Counts{}, w.counts())
	at(&w, 65*ms, "s")
	assert.Equal(t, Counts{Requests: 1, Successes: 1, ConsecutiveSuccesses: 1}, w.counts())
	// The first bucket now runs from 60ms to 70ms and expires at 160ms.
	at(&w, 159*ms, "")
	assert.Equal(t, uint32(1), w.counts().Successes)
	at(&w, 160*ms, "")
	assert.Equal(t, Counts{}, w.counts())
}

func TestWindowTimeGoingBackIsIgnored(t *testing.T) {
	w := newWindow(100*ms, 10)
	w.reset(50 * ms)
	at(&w, 0, "f")
	assert.Equal(t, uint32(1), w.counts().Failures)
}
