package circuitbreaker

import (
	"strconv"

	"github.com/sony/gobreaker/v2"
)

// Errors of a rejected call. The error a caller gets is a *[RejectedError]
// naming the key; errors.Is matches it against these sentinels and against
// gobreaker's own ErrOpenState and ErrTooManyRequests, so code written for
// gobreaker keeps working.
var (
	// ErrOpen means the breaker is open: the call was not made.
	ErrOpen error = &sentinel{msg: "circuitbreaker: open", peer: gobreaker.ErrOpenState}
	// ErrTooManyRequests means the breaker is half-open and all its probe
	// calls are taken: the call was not made.
	ErrTooManyRequests error = &sentinel{msg: "circuitbreaker: too many requests while half-open", peer: gobreaker.ErrTooManyRequests}
)

type sentinel struct {
	msg  string
	peer error
}

func (s *sentinel) Error() string { return s.msg }

// Is makes errors.Is(err, gobreaker.ErrOpenState) (or ErrTooManyRequests)
// hold for our errors too, for code written against gobreaker.
func (s *sentinel) Is(target error) bool { return target == s.peer }

// RejectedError is the error of a call the breaker did not let through.
type RejectedError struct {
	// Key is the breaker's key: the group key, or the name given with
	// [WithName]; it may be empty.
	Key string
	// Err is ErrOpen or ErrTooManyRequests.
	Err error

	msg string
}

// Error says why the call was rejected and for which key.
func (e *RejectedError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return rejectedText(e.Key, e.Err)
}

// Unwrap returns ErrOpen or ErrTooManyRequests.
func (e *RejectedError) Unwrap() error { return e.Err }

// RPCCode names the RPC status of a rejected call, "unavailable": the
// call was not made and may succeed later or elsewhere. An RPC framework
// that maps errors to codes (volo's CodeOf, gRPC's UNAVAILABLE) reads it
// without importing this package.
func (e *RejectedError) RPCCode() string { return "unavailable" }

// NotSent reports true: the breaker did not make the call, so the service
// below never saw it. Layers above that do not import this package read it
// by a type assertion: ext/discovery's LoadBalance retries the call on
// another instance (and counts the rejection toward ejecting the instance,
// as it does a failed connection), and ext/retry may retry it. So a breaker
// per instance under a load balancer sends a rejected call elsewhere
// instead of failing it.
func (e *RejectedError) NotSent() bool { return true }

// newRejected builds the error once per breaker, so that a rejection does
// not allocate.
func newRejected(key string, err error) *RejectedError {
	return &RejectedError{Key: key, Err: err, msg: rejectedText(key, err)}
}

func rejectedText(key string, err error) string {
	msg := "circuitbreaker: rejected"
	if err != nil {
		msg = err.Error()
	}
	if key == "" {
		return msg
	}
	return msg + " (key " + strconv.Quote(key) + ")"
}
