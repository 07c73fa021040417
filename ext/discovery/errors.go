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

// IsConnectionError is the default classifier of connection-level errors:
// errors wrapping ErrConnection, and *net.OpError dial failures (connection
// refused, no route, dial timeout). It is exported so a custom classifier
// can extend it.
func IsConnectionError(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrConnection) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
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
