package ratelimit

import "time"

// epoch anchors the clock readings of the hot paths. time.Now reads both
// the wall clock and the monotonic clock; the layers only compare times and
// measure intervals, for which the monotonic clock alone is enough, and
// time.Since(epoch) reads only that one: one clock read per call instead of
// two.
var epoch = time.Now()

// sinceEpoch returns the monotonic time elapsed since epoch.
func sinceEpoch() time.Duration { return time.Since(epoch) }

// clockNow returns the current time from a single monotonic clock read. Its
// monotonic reading is exact, which is what rate.Limiter compares (its
// times subtract by their monotonic readings); its wall part ignores clock
// steps since the process started, which nothing here reads.
func clockNow() time.Time { return epoch.Add(sinceEpoch()) }
