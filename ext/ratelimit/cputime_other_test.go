//go:build !unix

package ratelimit_test

import (
	"testing"
	"time"
)

// cpuTimer reports nothing where the process's CPU time is not at hand.
func cpuTimer(*testing.B) (stop func()) { return func() {} }

func processCPU() time.Duration { return 0 }
