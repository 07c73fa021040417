package circuitbreaker

import "time"

// epoch anchors the clock readings of the closed path. time.Now reads both
// the wall clock and the monotonic clock; a window only measures intervals,
// for which the monotonic clock alone is enough, and time.Since(epoch) reads
// only that one.
var epoch = time.Now()

// monotonic returns the time elapsed since epoch.
func monotonic() time.Duration { return time.Since(epoch) }

// tally is the finished calls of one bucket by outcome.
type tally struct {
	successes, failures, ignored uint32
}

// window counts the outcomes of a closed breaker's calls over a rolling
// period split into equal buckets; the oldest bucket expires as a new one
// begins. With one bucket the counts reset all at once at the end of each
// period. It also tracks the latest run of successes or failures within
// the period. It is not safe for concurrent use: the breaker's lock guards
// it.
type window struct {
	period  time.Duration // length of one bucket
	buckets []tally       // a ring indexed by age modulo its length
	start   time.Duration // when the counting began
	age     int64         // buckets begun since start, the current one included
	sum     tally         // the sum of buckets

	// The latest run of one outcome: run calls, the first of them in the
	// bucket of age runAge, which holds runHead of them. Ignored calls
	// neither belong to a run nor break it.
	runFailing bool
	run        uint32
	runAge     int64
	runHead    uint32
}

func newWindow(length time.Duration, buckets int) window {
	buckets = max(buckets, 1)
	return window{period: max(length/time.Duration(buckets), 1), buckets: make([]tally, buckets)}
}

// reset empties the window and starts counting at now.
func (w *window) reset(now time.Duration) {
	clear(w.buckets)
	w.start, w.age, w.sum = now, 0, tally{}
	w.run, w.runHead, w.runAge = 0, 0, 0
}

// advance expires the buckets that ended before now.
func (w *window) advance(now time.Duration) {
	age := int64((now - w.start) / w.period)
	if age <= w.age {
		return
	}
	n := int64(len(w.buckets))
	if age-w.age >= n {
		// Every bucket has expired.
		clear(w.buckets)
		w.age, w.sum, w.run, w.runHead = age, tally{}, 0, 0
		return
	}
	for w.age < age {
		w.age++
		w.expire(w.age - n)
	}
}

// expire drops the bucket of the given age, whose slot the current age
// takes over.
func (w *window) expire(old int64) {
	b := &w.buckets[w.age%int64(len(w.buckets))]
	w.sum.successes -= b.successes
	w.sum.failures -= b.failures
	w.sum.ignored -= b.ignored
	*b = tally{}
	if w.run == 0 || w.runAge != old {
		return
	}
	// The run began in the expiring bucket: it loses the calls it had
	// there, and now begins in the next bucket, all of whose calls of its
	// outcome belong to it (the run has not been broken since).
	w.run -= w.runHead
	w.runAge++
	next := w.buckets[w.runAge%int64(len(w.buckets))]
	if w.runFailing {
		w.runHead = next.failures
	} else {
		w.runHead = next.successes
	}
}

func (w *window) current() *tally { return &w.buckets[w.age%int64(len(w.buckets))] }

func (w *window) success() {
	w.sum.successes++
	w.current().successes++
	w.extend(false)
}

func (w *window) failure() {
	w.sum.failures++
	w.current().failures++
	w.extend(true)
}

func (w *window) ignore() {
	w.sum.ignored++
	w.current().ignored++
}

// extend adds one call to the run of its outcome, starting a new run if the
// latest one was of the other outcome.
func (w *window) extend(failing bool) {
	if w.run == 0 || w.runFailing != failing {
		w.runFailing, w.run, w.runAge, w.runHead = failing, 1, w.age, 1
		return
	}
	w.run++
	if w.runAge == w.age {
		w.runHead++
	}
}

// counts returns the window's counts; running calls are not in them.
func (w *window) counts() Counts {
	c := Counts{
		Requests:  w.sum.successes + w.sum.failures + w.sum.ignored,
		Successes: w.sum.successes,
		Failures:  w.sum.failures,
		Ignored:   w.sum.ignored,
	}
	if w.runFailing {
		c.ConsecutiveFailures = w.run
	} else {
		c.ConsecutiveSuccesses = w.run
	}
	return c
}
