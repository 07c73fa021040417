package discovery

import (
	"errors"
	"net"
)

var (
	// ErrNoInstance means there is no instance to send a call to: the target
	// has none, all were filtered out, or all were tried already. Its RPC
	// status code is "unavailable".
	ErrNoInstance error = &unavailable{"discovery: no instance available"}
	// ErrConnection marks an error as connection-level: the request did not
	// reach the instance, so it is safe to retry on another one. Transports
	// wrap their dial and connection failures with it. Its RPC status code
	// is "unavailable", and it has a method NotSent() bool that says true,
	// by which retry layers that do not import this package (ext/retry)
	// know that the request was never sent.
	ErrConnection error = &connectionError{unavailable{"discovery: connection failed"}}
	// ErrClosed is returned by a closed Watcher or Registry. (A closed
	// Balancer keeps picking from its last instances.)
	ErrClosed = errors.New("discovery: closed")
	// ErrBadTarget means a target is not in a form the Discoverer knows.
	ErrBadTarget = errors.New("discovery: bad target")
)

// IsConnectionError is the default classifier of the errors of calls that
// never reached the instance, which the LoadBalance layer retries on
// another instance:
//   - errors wrapping ErrConnection, and *net.OpError dial failures
//     (connection refused, no route, dial timeout);
//   - any error that says so by a method NotSent() bool returning true:
//     volo's failed connections, and the rejections of a circuit breaker
//     or a limiter under the balancer (ext/circuitbreaker,
//     ext/ratelimit), which this package reads without importing them.
//     The first error in err's chain that has the method decides, as
//     ext/retry reads it.
//
// It is exported so a custom classifier can extend it.
func IsConnectionError(err error) bool {
	if err == nil {
		return false
	}
	if notSent(err) || errors.Is(err, ErrConnection) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// notSender is implemented by errors that know whether the request left
// the caller (ErrConnection, volo's connection failures, the rejections of
// ext/circuitbreaker and ext/ratelimit).
type notSender interface{ NotSent() bool }

// coder is implemented by errors that carry an RPC status code.
type coder interface{ RPCCode() string }

// codeOwnLimit is the RPC code of a limiter's rejection (ext/ratelimit's):
// the caller's own limit refused the call.
const codeOwnLimit = "resource_exhausted"

// notSent reports whether err says that its request never left the caller.
func notSent(err error) bool {
	n, ok := first[notSender](err, 0)
	return ok && n.NotSent()
}

// ownLimit reports whether err, which says it was not sent, is a rejection
// by the caller's own limiter, by its RPC code. Such a rejection is retried
// elsewhere but says nothing of the instance: it never counts toward
// ejection, or a limit shared by every instance would eject them all.
func ownLimit(err error) bool {
	c, ok := first[coder](err, 0)
	return ok && c.RPCCode() == codeOwnLimit
}

// maxDepth bounds a walk of an error tree, as a guard against cycles.
const maxDepth = 64

// first returns the first error in err's tree, in errors.As order, that is
// a T. Unlike errors.As it allocates nothing and calls no As methods.
func first[T any](err error, depth int) (T, bool) {
	for err != nil && depth < maxDepth {
		if t, ok := err.(T); ok {
			return t, true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if t, ok := first[T](e, depth+1); ok {
					return t, true
				}
			}
			err = nil
		default:
			err = nil
		}
		depth++
	}
	var zero T
	return zero, false
}

// unavailable is a sentinel whose RPC status code is "unavailable", which
// RPC frameworks that map errors to codes (volo's CodeOf) read without
// importing this package.
type unavailable struct{ msg string }

func (e *unavailable) Error() string   { return e.msg }
func (e *unavailable) RPCCode() string { return "unavailable" }

// connectionError is the type of ErrConnection.
type connectionError struct{ unavailable }

// NotSent reports true: a connection-level failure means the request did
// not reach the instance.
func (e *connectionError) NotSent() bool { return true }
