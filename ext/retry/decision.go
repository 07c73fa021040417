package retry

import (
	"context"
	"strconv"
	"time"
)

// Reason says what a layer decided, for the hook of [WithOnDecision].
type Reason uint8

// The decisions a layer reports.
const (
	// ReasonRetried: a failed attempt is retried after Delay.
	ReasonRetried Reason = iota + 1
	// ReasonHedged: no answer came within Delay, so another attempt is sent
	// while the others go on.
	ReasonHedged
	// ReasonBudgetExhausted: a retry or a hedge was due, but the budget (or,
	// for a hedge, the layer's extra-load bound) refused it.
	ReasonBudgetExhausted
	// ReasonChainStopped: the request is itself a retry from upstream, so a
	// failure that could be retried is not.
	ReasonChainStopped
	// ReasonOverloaded: the failure says not to retry it (an "overloaded" or
	// "resource_exhausted" error from further down).
	ReasonOverloaded
	// ReasonAttemptsExhausted: the policy's attempts are used up.
	ReasonAttemptsExhausted
	// ReasonOutOfTime: the context's deadline leaves no time for another
	// attempt, so none is started.
	ReasonOutOfTime
	// ReasonShed: the [Shed] layer refused a call at once.
	ReasonShed
)

var reasonNames = [...]string{
	ReasonRetried:           "retried",
	ReasonHedged:            "hedged",
	ReasonBudgetExhausted:   "budget_exhausted",
	ReasonChainStopped:      "chain_stopped",
	ReasonOverloaded:        "overloaded",
	ReasonAttemptsExhausted: "attempts_exhausted",
	ReasonOutOfTime:         "out_of_time",
	ReasonShed:              "shed",
}

// String returns the reason in lower snake case ("budget_exhausted"), for
// metric labels.
func (r Reason) String() string {
	if int(r) < len(reasonNames) && reasonNames[r] != "" {
		return reasonNames[r]
	}
	return "reason(" + strconv.Itoa(int(r)) + ")"
}

// Decision is one decision of a layer about one call.
type Decision struct {
	// Reason is what was decided.
	Reason Reason
	// Method is the key of the call's per-method policy
	// ([Requests].Method), or empty.
	Method string
	// Attempt is the number of attempts made or running when the decision
	// was taken.
	Attempt int
	// Delay is the wait before a retry, or the delay after which a hedge
	// is sent.
	Delay time.Duration
	// Err is the failure that led to the decision, if any.
	Err error
}

// report calls the hook, if any.
func (c *config) report(ctx context.Context, d Decision) {
	if c.onDecision != nil {
		c.onDecision(ctx, d)
	}
}
