//go:build unix

package ratelimit_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuTimer starts measuring the CPU time the process spends and returns a
// function that reports it per operation as "cpu-ns/op". On a machine shared
// with other work, wall-clock ns/op also counts the time the benchmark
// waits for a core; CPU time leaves that out, so contenders measured at
// different moments of one run stay comparable.
func cpuTimer(b *testing.B) (stop func()) {
	start := processCPU()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
