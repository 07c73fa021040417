// Package cputime reports a benchmark's process CPU time per operation.
//
// On a machine shared with other work, wall-clock ns/op also counts the
// time the benchmark waits for a core; CPU time leaves that out, so
// contenders measured at different moments of one run stay comparable.
package cputime

import (
	"syscall"
	"testing"
	"time"
)

// Start begins measuring and returns a function that, called after the
// benchmark loop, reports the CPU time per operation as "cpu-ns/op".
func Start(b *testing.B) (stop func()) {
	start := process()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(process()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// process returns the user and system CPU time of the whole process.
func process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
