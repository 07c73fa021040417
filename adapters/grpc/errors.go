package grpc

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Error is a failed call as the interceptors return it: the gRPC status
// (GRPCStatus, so status.FromError and status.Code read it) joined to the
// error it came from (Unwrap, so errors.Is(err, ratelimit.ErrLimited)
// still holds), and the status's RPC code name (RPCCode, which volo's
// CodeOf and the ext classifiers read). A client gets one for every
// failure with a code, the server's or a local layer's.
type Error struct {
	err error
	st  *status.Status
}

// Error returns the text of the error it came from.
func (e *Error) Error() string { return e.err.Error() }

// Unwrap returns the error it came from.
func (e *Error) Unwrap() error { return e.err }

// GRPCStatus returns the status.
func (e *Error) GRPCStatus() *status.Status { return e.st }

// RPCCode names the status's code in lower snake case
// ("resource_exhausted"), as volo's Code does.
func (e *Error) RPCCode() string { return codeName(e.st.Code()) }

// Is makes a DeadlineExceeded or Canceled status match the context's
// errors, as grpc-go's status.FromContextError maps them the other way.
func (e *Error) Is(target error) bool {
	switch e.st.Code() {
	case codes.DeadlineExceeded:
		return target == context.DeadlineExceeded
	case codes.Canceled:
		return target == context.Canceled
	}
	return false
}

// coder is implemented by errors that name their RPC code: those of the
// ext modules, motore's timeout, volo's errors.
type coder interface{ RPCCode() string }

// toError gives err a status: the one it has (a server's, through
// GRPCStatus), or one from its RPC code or the context errors. An error
// with neither is returned as is, and grpc-go reports it as Unknown.
func toError(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if st, ok := status.FromError(err); ok {
		if st.Code() == codes.OK {
			return err
		}
		return &Error{err: err, st: st}
	}
	code, ok := codeOf(err)
	if !ok {
		return err
	}
	return &Error{err: err, st: status.New(code, err.Error())}
}

// codeOf returns the code of an error without a status.
func codeOf(err error) (codes.Code, bool) {
	var c coder
	if errors.As(err, &c) {
		if code, ok := parseCode(c.RPCCode()); ok && code != codes.OK {
			return code, true
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return codes.DeadlineExceeded, true
	case errors.Is(err, context.Canceled):
		return codes.Canceled, true
	}
	return codes.Unknown, false
}

// codeNames are gRPC's codes in volo's spelling; volo's Code numbers them
// as gRPC does.
var codeNames = [...]string{
	codes.OK:                 "ok",
	codes.Canceled:           "canceled",
	codes.Unknown:            "unknown",
	codes.InvalidArgument:    "invalid_argument",
	codes.DeadlineExceeded:   "deadline_exceeded",
	codes.NotFound:           "not_found",
	codes.AlreadyExists:      "already_exists",
	codes.PermissionDenied:   "permission_denied",
	codes.ResourceExhausted:  "resource_exhausted",
	codes.FailedPrecondition: "failed_precondition",
	codes.Aborted:            "aborted",
	codes.OutOfRange:         "out_of_range",
	codes.Unimplemented:      "unimplemented",
	codes.Internal:           "internal",
	codes.Unavailable:        "unavailable",
	codes.DataLoss:           "data_loss",
	codes.Unauthenticated:    "unauthenticated",
}

func codeName(c codes.Code) string {
	if int(c) < len(codeNames) {
		return codeNames[c]
	}
	return "unknown"
}

func parseCode(s string) (codes.Code, bool) {
	for i, name := range codeNames {
		if name == s {
			return codes.Code(i), true
		}
	}
	return codes.Unknown, false
}
