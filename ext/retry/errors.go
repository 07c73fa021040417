package retry

import (
	"context"
	"errors"
	"reflect"
	"strconv"
)

// Reasons a call was given up on, matched with errors.Is against the
// *[Error] the layer returns.
var (
	// ErrAttemptsExhausted means every attempt the policy allows failed.
	ErrAttemptsExhausted = errors.New("retry: attempts exhausted")
	// ErrBudgetExhausted means the budget refused a retry: the target has
	// been failing for more calls than the budget lets retry.
	ErrBudgetExhausted = errors.New("retry: budget exhausted")
	// ErrChainStopped means the request was itself a retry from upstream
	// (it carries the [MetainfoKey] flag), so it is not retried again here.
	ErrChainStopped = errors.New("retry: chain stopped")
)

// ErrShed is the error of a call the [Shed] layer refused. Its RPC code is
// "resource_exhausted" and it says [Error.DoNotRetry] true, so a retry layer
// above, here or in a caller across an RPC hop, does not retry it.
var ErrShed error = &shedError{}

type shedError struct{}

func (*shedError) Error() string        { return "retry: shed: the service is at capacity" }
func (*shedError) RPCCode() string      { return codeOverloaded }
func (*shedError) DoNotRetry() bool     { return true }
func (*shedError) Is(target error) bool { return target == ErrShed }

// codeOverloaded is the RPC code of "overloaded, do not retry": what a
// server's limiter answers (ext/ratelimit's rejections have it), and what
// this package's give-ups and sheds say.
const codeOverloaded = "resource_exhausted"

// Error is the error of a call the layer gave up on although its last
// failure could have been retried: the attempts, the budget or the chain ran
// out. errors.Is matches it against its Reason and against the last
// attempt's error, and errors.As reaches the errors the last attempt's error
// wraps, except those that carry an RPC code of their own (see As).
//
// It tells everything above not to retry: DoNotRetry reports true and its
// RPC code is "resource_exhausted", which an RPC server sends to its caller,
// whose retry layer then does not retry either. That is what keeps a chain
// of services that all retry from multiplying their attempts.
type Error struct {
	// Reason is ErrAttemptsExhausted, ErrBudgetExhausted or
	// ErrChainStopped.
	Reason error
	// Attempts is the number of attempts made.
	Attempts int
	// Err is the last attempt's error.
	Err error
}

// Error says why the layer gave up, after how many attempts, and the last
// attempt's error.
func (e *Error) Error() string {
	b := make([]byte, 0, 96)
	if e.Reason != nil {
		b = append(b, e.Reason.Error()...)
	} else {
		b = append(b, "retry: gave up"...)
	}
	b = append(b, " after "...)
	b = strconv.AppendInt(b, int64(e.Attempts), 10)
	if e.Attempts == 1 {
		b = append(b, " attempt"...)
	} else {
		b = append(b, " attempts"...)
	}
	if e.Err != nil {
		b = append(b, ": "...)
		b = append(b, e.Err.Error()...)
	}
	return string(b)
}

// Is matches the reason and, through it, the last attempt's error.
func (e *Error) Is(target error) bool {
	return target == e.Reason || errors.Is(e.Err, target)
}

// As finds in the last attempt's error a target of a type that carries no
// RPC code (a declared exception, a *net.OpError). A target whose type has a
// method RPCCode() string is not looked for inside: the code of an *Error is
// its own, as volo's CodeOf reads the first code of a chain, and a server
// that turns errors into replies with errors.As (volo's Thrift server
// forwards an exception it finds) sends "resource_exhausted", not the last
// attempt's code. Read that one from Err.
func (e *Error) As(target any) bool {
	t := reflect.TypeOf(target)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Implements(coderType) {
		return false
	}
	return errors.As(e.Err, target)
}

// DoNotRetry reports true: retrying a call this layer gave up on would
// multiply the attempts of the layers below.
func (e *Error) DoNotRetry() bool { return true }

// RPCCode names the RPC status of a give-up, "resource_exhausted", the
// code of "overloaded, do not retry", so that an RPC framework that maps
// errors to codes (volo's CodeOf) sends it without importing this package.
func (e *Error) RPCCode() string { return codeOverloaded }

type coder interface{ RPCCode() string }

var coderType = reflect.TypeFor[coder]()

// maxDepth bounds a walk of an error tree, as a guard against cycles.
const maxDepth = 64

// find reports whether match holds for err or an error it wraps, walking
// the tree in errors.As order. It allocates nothing, so classifying a
// failure costs no allocation; unlike errors.As it does not call As
// methods.
func find(err error, match func(error) (found, ok bool), depth int) (bool, bool) {
	for err != nil && depth < maxDepth {
		if found, ok := match(err); found {
			return true, ok
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if found, ok := find(e, match, depth+1); found {
					return true, ok
				}
			}
			return false, false
		case *Error:
			err = u.Err
		default:
			return false, false
		}
		depth++
	}
	return false, false
}

func matchNotSent(err error) (bool, bool) {
	if n, ok := err.(interface{ NotSent() bool }); ok {
		return true, n.NotSent()
	}
	return false, false
}

func matchDoNotRetry(err error) (bool, bool) {
	if d, ok := err.(interface{ DoNotRetry() bool }); ok {
		return true, d.DoNotRetry()
	}
	return false, false
}

// CodeOf returns the RPC code of err: the result of the method RPCCode()
// string of the first error in its tree that has one (volo's errors and
// exceptions, the ext modules' errors), or "" when none has. It reads what
// volo's CodeOf reads without importing volo, and allocates nothing.
func CodeOf(err error) string {
	var code string
	find(err, func(e error) (bool, bool) {
		if c, ok := e.(coder); ok {
			code = c.RPCCode()
			return true, true
		}
		return false, false
	}, 0)
	return code
}

// NotSent reports whether err says the request never left the caller: the
// first error in its tree with a method NotSent() bool returns true.
// ext/discovery's ErrConnection and volo's failures to connect have it;
// such a call is safe to retry whatever the method does.
func NotSent(err error) bool {
	_, ok := find(err, matchNotSent, 0)
	return ok
}

// DoNotRetry reports whether err tells its caller not to retry it: the
// first error in its tree with a method DoNotRetry() bool returns true (an
// *[Error], [ErrShed], or any error of another module), or its RPC code is
// "resource_exhausted" (a server's limiter refused the call; the code a
// downstream service sends for an *Error). This layer never retries such an
// error unless [WithoutOverloadStop] is given.
func DoNotRetry(err error) bool {
	if found, ok := find(err, matchDoNotRetry, 0); found {
		return ok
	}
	return CodeOf(err) == codeOverloaded
}

// isTimeout reports whether err is a timeout: a context deadline (which
// volo's and motore's timeouts match too) or a peer's "deadline_exceeded".
func isTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || CodeOf(err) == "deadline_exceeded"
}
