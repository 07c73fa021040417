package volo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// Code says what kind of failure an error is, the same way on every
// protocol: a server turns a handler's error into a code, the wire carries
// it, and the caller reads it back with [CodeOf]. The values and their
// meanings are gRPC's status codes, so they map to gRPC one to one; on
// Thrift they map to TApplicationException types (see package
// volo/thrift).
type Code uint32

// The codes, with gRPC's numbers.
const (
	// CodeOK is the code of no error: CodeOf(nil).
	CodeOK Code = 0
	// CodeCanceled: the call was canceled, usually by the caller.
	CodeCanceled Code = 1
	// CodeUnknown: an error that says nothing of its kind; the code of
	// plain errors.
	CodeUnknown Code = 2
	// CodeInvalidArgument: the request is invalid whatever the state of
	// the system (a malformed argument, undecodable arguments).
	CodeInvalidArgument Code = 3
	// CodeDeadlineExceeded: the call ran out of time before it finished.
	CodeDeadlineExceeded Code = 4
	// CodeNotFound: something the request names does not exist.
	CodeNotFound Code = 5
	// CodeAlreadyExists: something the request would create exists.
	CodeAlreadyExists Code = 6
	// CodePermissionDenied: the caller may not do this.
	CodePermissionDenied Code = 7
	// CodeResourceExhausted: a quota or limit refused the call (a rate or
	// concurrency limiter); retry later.
	CodeResourceExhausted Code = 8
	// CodeFailedPrecondition: the system is not in a state the call
	// needs.
	CodeFailedPrecondition Code = 9
	// CodeAborted: the call was aborted, typically by a conflict.
	CodeAborted Code = 10
	// CodeOutOfRange: an argument is past a valid range.
	CodeOutOfRange Code = 11
	// CodeUnimplemented: the server does not have the method.
	CodeUnimplemented Code = 12
	// CodeInternal: an invariant of the server or the protocol broke (a
	// handler panicked, a reply could not be decoded).
	CodeInternal Code = 13
	// CodeUnavailable: the service cannot be reached now (no connection,
	// no instance, an open circuit breaker); retrying may succeed.
	CodeUnavailable Code = 14
	// CodeDataLoss: unrecoverable loss or corruption of data.
	CodeDataLoss Code = 15
	// CodeUnauthenticated: the caller did not prove who it is.
	CodeUnauthenticated Code = 16
)

var codeNames = [...]string{
	CodeOK:                 "ok",
	CodeCanceled:           "canceled",
	CodeUnknown:            "unknown",
	CodeInvalidArgument:    "invalid_argument",
	CodeDeadlineExceeded:   "deadline_exceeded",
	CodeNotFound:           "not_found",
	CodeAlreadyExists:      "already_exists",
	CodePermissionDenied:   "permission_denied",
	CodeResourceExhausted:  "resource_exhausted",
	CodeFailedPrecondition: "failed_precondition",
	CodeAborted:            "aborted",
	CodeOutOfRange:         "out_of_range",
	CodeUnimplemented:      "unimplemented",
	CodeInternal:           "internal",
	CodeUnavailable:        "unavailable",
	CodeDataLoss:           "data_loss",
	CodeUnauthenticated:    "unauthenticated",
}

// String returns the code's name in lower snake case, as connect-go and
// gRPC's HTTP mapping write it ("resource_exhausted"), or "code_<n>" for
// a number outside the table.
func (c Code) String() string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "code_" + strconv.FormatUint(uint64(c), 10)
}

// ParseCode returns the code named s, as [Code.String] writes it. ok is
// false for any other string.
func ParseCode(s string) (c Code, ok bool) {
	for i, name := range codeNames {
		if name == s {
			return Code(i), true
		}
	}
	return CodeUnknown, false
}

// coder is what an error implements to give its code without importing
// this package: a method returning the code's name ("resource_exhausted").
// The ext modules' errors implement it, as may an application's.
type coder interface {
	RPCCode() string
}

// CodeOf returns the code of err: [CodeOK] for nil; else the code of the
// first error in err's chain (errors.As order) that has one, an *[Error]
// or any error with a method RPCCode() string that names a code, as the
// errors of the ext modules have; else [CodeDeadlineExceeded] or
// [CodeCanceled] for the context's errors; else [CodeUnknown].
func CodeOf(err error) Code {
	if err == nil {
		return CodeOK
	}
	var c coder
	if errors.As(err, &c) {
		if code, ok := ParseCode(c.RPCCode()); ok && code != CodeOK {
			return code
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return CodeDeadlineExceeded
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	}
	return CodeUnknown
}

// Error is an error with a [Code], for a handler to say precisely what
// went wrong ("not found", "permission denied") in a way every protocol
// carries to the caller, and for a caller to read what the peer said.
// Create one with [NewError] or [Errorf].
type Error struct {
	code   Code
	msg    string
	cause  error
	remote bool
}

// NewError returns an error with code c that wraps cause. Its message,
// the one sent over the wire, is cause's; a nil cause sends the code's
// name.
func NewError(c Code, cause error) *Error {
	e := &Error{code: c, cause: cause}
	if cause != nil {
		e.msg = cause.Error()
	}
	return e
}

// Errorf returns an error with code c and the message made from format
// and args, as fmt.Errorf does; a %w verb wraps its operand.
func Errorf(c Code, format string, args ...any) *Error {
	return NewError(c, fmt.Errorf(format, args...))
}

// NewRemoteError returns the error a peer sent: code c and its message.
// Transports use it for what they decode; [Error.Remote] reports true for
// it, so that a caller tells an error that crossed the wire from one made
// locally.
func NewRemoteError(c Code, message string) *Error {
	return &Error{code: c, msg: message, remote: true}
}

// Code returns the error's code.
func (e *Error) Code() Code { return e.code }

// Message returns what the error says, without the code: what a server
// sends over the wire.
func (e *Error) Message() string { return e.msg }

// Remote reports whether the error came from the peer, decoded by a
// transport, rather than made in this process.
func (e *Error) Remote() bool { return e.remote }

// Error returns "volo: <code>: <message>", or "volo: <code>" without a
// message.
func (e *Error) Error() string {
	if e.msg == "" {
		return "volo: " + e.code.String()
	}
	return "volo: " + e.code.String() + ": " + e.msg
}

// Unwrap returns the wrapped cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// RPCCode returns the code's name, so that code that reads codes without
// importing this package sees it.
func (e *Error) RPCCode() string { return e.code.String() }
