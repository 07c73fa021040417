package connect

import (
	"context"
	"errors"
	"strconv"
	"time"

	"connectrpc.com/connect"
)

// Error is a failed call as the interceptors return it: a *connect.Error
// (Unwrap, so connect.CodeOf reads its code and errors.Is finds the error
// it came from, such as ratelimit.ErrLimited) with the code's name
// (RPCCode, which volo's CodeOf and the ext classifiers read). A client
// gets one for every failure with a code, the server's or a local
// layer's.
type Error struct {
	err *connect.Error
}

// Error returns the connect error's text.
func (e *Error) Error() string { return e.err.Error() }

// Unwrap returns the *connect.Error.
func (e *Error) Unwrap() error { return e.err }

// RPCCode names the code in lower snake case ("resource_exhausted"), as
// volo's Code and connect's Code.String do.
func (e *Error) RPCCode() string { return e.err.Code().String() }

// Is makes CodeDeadlineExceeded and CodeCanceled match the context's
// errors.
func (e *Error) Is(target error) bool {
	switch e.err.Code() {
	case connect.CodeDeadlineExceeded:
		return target == context.DeadlineExceeded
	case connect.CodeCanceled:
		return target == context.Canceled
	}
	return false
}

// coder is implemented by errors that name their RPC code: those of the
// ext modules, motore's timeout, volo's errors.
type coder interface{ RPCCode() string }

// toError gives err a connect code: the one it has (a *connect.Error in
// its chain), or one from its RPC code or the context errors. An error
// with neither is returned as is, and connect reports it as CodeUnknown.
func toError(err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	var ce *connect.Error
	if errors.As(err, &ce) {
		return &Error{err: ce}
	}
	code, ok := codeOf(err)
	if !ok {
		return err
	}
	return &Error{err: connect.NewError(code, err)}
}

// codeOf returns the code of an error without a connect code.
func codeOf(err error) (connect.Code, bool) {
	var c coder
	if errors.As(err, &c) {
		var code connect.Code
		if code.UnmarshalText([]byte(c.RPCCode())) == nil {
			return code, true
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return connect.CodeDeadlineExceeded, true
	case errors.Is(err, context.Canceled):
		return connect.CodeCanceled, true
	}
	return connect.CodeUnknown, false
}

// connectError returns the *connect.Error of err, or nil.
func connectError(err error) *connect.Error {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}

// retryAfterSeconds writes d in whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	s := (d + time.Second - 1) / time.Second
	return strconv.FormatInt(int64(max(s, 1)), 10)
}
