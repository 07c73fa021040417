package ratelimit

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrLimited is the sentinel every rejection of this package matches:
// errors.Is(err, ErrLimited) is true for each of them. The errors actually
// returned are *LimitedError values, which say which limiter refused, for
// which key, and when a retry may succeed.
var ErrLimited = errors.New("ratelimit: limited")

// LimitedError is a rejection by one of this package's limiters. A server
// maps it to its "resource exhausted" status; a client may back off for
// RetryAfter.
type LimitedError struct {
	// Limiter names the kind of limiter that refused: "rate", "keyed rate",
	// "concurrency" or "adaptive concurrency".
	Limiter string
	// Key is the key of a per-key limiter, or empty.
	Key string
	// RetryAfter is how long the limiter expects it takes before a call may
	// be admitted, or zero when it cannot tell. It is a hint, not a promise.
	RetryAfter time.Duration
}

// Error says which limiter refused and the hint, if any.
func (e *LimitedError) Error() string {
	b := make([]byte, 0, 64)
	b = append(b, "ratelimit: limited by "...)
	b = append(b, e.Limiter...)
	if e.Key != "" {
		b = append(b, " for key "...)
		b = strconv.AppendQuote(b, e.Key)
	}
	if e.RetryAfter > 0 {
		b = fmt.Appendf(b, ", retry after %v", e.RetryAfter)
	}
	return string(b)
}

// Is makes errors.Is(err, ErrLimited) true.
func (e *LimitedError) Is(target error) bool { return target == ErrLimited }

// RPCCode names the RPC status of a rejection, "resource_exhausted", so
// that an RPC framework that maps errors to codes (volo's CodeOf, gRPC's
// RESOURCE_EXHAUSTED) reports it without importing this package.
func (e *LimitedError) RPCCode() string { return "resource_exhausted" }

// NotSent reports true: the limiter did not make the call, so the service
// below never saw it. Layers above that do not import this package read it
// by a type assertion. ext/discovery's LoadBalance retries the call on
// another instance when the limiter sits under it (a limit per instance),
// and, because the code is "resource_exhausted" (the caller's own limit,
// not the instance's health), never counts it toward ejecting the
// instance. ext/retry does not retry it while its overload stop is on.
func (e *LimitedError) NotSent() bool { return true }

// RetryAfter returns the retry-after hint carried by a rejection anywhere in
// err's chain. ok is false when err is not a rejection of this package or
// the limiter could not tell how long to wait.
func RetryAfter(err error) (d time.Duration, ok bool) {
	var le *LimitedError
	if !errors.As(err, &le) || le.RetryAfter <= 0 {
		return 0, false
	}
	return le.RetryAfter, true
}
