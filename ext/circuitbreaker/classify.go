package circuitbreaker

import (
	"context"
	"errors"
)

// Outcome is how a breaker counts the result of one call.
type Outcome uint8

// The outcomes of a call. A value other than these counts as a Failure.
const (
	// Success counts towards closing a half-open breaker and keeps a closed
	// one closed.
	Success Outcome = iota
	// Failure counts towards tripping a closed breaker and reopens a
	// half-open one.
	Failure
	// Ignored is counted as neither: the call says nothing about the health
	// of the service. An ignored probe frees its slot for another.
	Ignored
)

// String returns "success", "failure" or "ignored".
func (o Outcome) String() string {
	switch o {
	case Success:
		return "success"
	case Ignored:
		return "ignored"
	default:
		return "failure"
	}
}

// Classifier decides how a finished call counts, from the caller's context,
// the response and the error. It runs on every call, so it should be quick;
// it can call [ClassifyError] for the default rules and add its own, for
// example to count a response carrying an "unavailable" status as a
// failure.
type Classifier[Resp any] func(ctx context.Context, resp Resp, err error) Outcome

// ClassifyError is the default classification, which looks only at the
// error:
//   - no error is a Success;
//   - any error after the caller cancelled ctx is Ignored (the callee did
//     nothing wrong), but an expired deadline is a Failure;
//   - an error marked as a business error (see [MarkBusiness]) is Ignored;
//   - any other error, including context.DeadlineExceeded, is a Failure.
func ClassifyError(ctx context.Context, err error) Outcome {
	if err == nil {
		return Success
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return Ignored
	}
	if IsBusiness(err) {
		return Ignored
	}
	return Failure
}

// BusinessError is implemented by an application's own error types that
// report an outcome of the business logic (not found, invalid argument,
// insufficient funds) rather than a sick service. Such errors do not count
// against a breaker by default. A type can implement it without importing
// this package.
type BusinessError interface {
	error
	BusinessError() bool
}

// MarkBusiness returns err marked as a business error, so that
// [ClassifyError] ignores it; errors.Is and errors.As still see err. A nil
// err stays nil.
func MarkBusiness(err error) error {
	if err == nil {
		return nil
	}
	return &businessError{err: err}
}

// IsBusiness reports whether err, or an error it wraps, is a [BusinessError]
// that says true.
func IsBusiness(err error) bool {
	var be BusinessError
	return errors.As(err, &be) && be.BusinessError()
}

type businessError struct{ err error }

func (e *businessError) Error() string       { return e.err.Error() }
func (e *businessError) Unwrap() error       { return e.err }
func (e *businessError) BusinessError() bool { return true }

// verdicts carry a Classifier's outcome through gobreaker, which only knows
// errors: nil is a success, errIgnored is excluded, anything else a failure.
var (
	errFailure = errors.New("circuitbreaker: failure")
	errIgnored = errors.New("circuitbreaker: ignored")
)

func verdict(o Outcome) error {
	switch o {
	case Success:
		return nil
	case Ignored:
		return errIgnored
	default:
		return errFailure
	}
}

func isIgnored(err error) bool { return err == errIgnored }
