package circuitbreaker

import (
	"fmt"

	"github.com/sony/gobreaker/v2"
)

// State is the state of one breaker.
type State int

// The states of a breaker. A closed breaker lets calls through and counts
// their results; an open one rejects them; a half-open one lets a set number
// of probe calls through to decide whether to close or open again.
const (
	StateClosed State = iota
	StateHalfOpen
	StateOpen
)

// String returns "closed", "half-open" or "open".
func (s State) String() string {
	switch s {
	case StateClosed:
		return "closed"
	case StateHalfOpen:
		return "half-open"
	case StateOpen:
		return "open"
	default:
		return fmt.Sprintf("state(%d)", int(s))
	}
}

func fromGobreaker(s gobreaker.State) State {
	switch s {
	case gobreaker.StateHalfOpen:
		return StateHalfOpen
	case gobreaker.StateOpen:
		return StateOpen
	default:
		return StateClosed
	}
}

// Counts are a breaker's tallies since it last changed state, within the
// rolling window while it is closed. Results of calls let through before a
// state change are not counted after it.
type Counts struct {
	// Requests is the number of calls let through. In a closed breaker it
	// counts the finished calls in the window (Successes + Failures +
	// Ignored); in a half-open one, the probes let through, those still
	// running included.
	Requests uint32
	// Successes, Failures and Ignored count finished calls by outcome.
	Successes uint32
	Failures  uint32
	Ignored   uint32
	// ConsecutiveSuccesses and ConsecutiveFailures count the latest run of
	// one outcome; ignored calls do not break a run.
	ConsecutiveSuccesses uint32
	ConsecutiveFailures  uint32
}

func countsFrom(c gobreaker.Counts) Counts {
	return Counts{
		Requests:             c.Requests,
		Successes:            c.TotalSuccesses,
		Failures:             c.TotalFailures,
		Ignored:              c.TotalExclusions,
		ConsecutiveSuccesses: c.ConsecutiveSuccesses,
		ConsecutiveFailures:  c.ConsecutiveFailures,
	}
}

// Snapshot is what one breaker looks like at a moment: its key, state and
// counts. State and counts are read one after the other, so a call finishing
// in between may show in one and not the other.
type Snapshot struct {
	Key    string
	State  State
	Counts Counts
}
