package motore

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrTimeout is the error of a call cut off by [Timeout]. It also satisfies
// errors.Is(err, context.DeadlineExceeded), so code that checks for an
// expired deadline treats both alike.
var ErrTimeout error = timeoutError{}

type timeoutError struct{}

func (timeoutError) Error() string        { return "motore: call timed out" }
func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout lets net.Error-style checks see a timeout.
func (timeoutError) Timeout() bool { return true }

// RPCCode names the RPC status of a timeout, for frameworks that map
// errors to codes without importing this package.
func (timeoutError) RPCCode() string { return "deadline_exceeded" }

// timedOut builds the error of a call cut off after d, keeping the inner
// service's own error when it has one.
func timedOut(d time.Duration, inner error) error {
	if inner == nil || errors.Is(inner, ErrTimeout) {
		return fmt.Errorf("%w after %v", ErrTimeout, d)
	}
	return fmt.Errorf("%w after %v: %w", ErrTimeout, d, inner)
}

// errTimeoutCause marks a context that this package's timer cancelled.
var errTimeoutCause = errors.New("motore: timeout layer deadline")

// Timeout returns a middleware that gives each call at most d: the inner
// service sees a context with that deadline, and a call still running when
// it passes fails with an error wrapping [ErrTimeout] (and the inner error,
// if any). A d of zero or less returns the service unchanged, with no timer.
//
// As everywhere in Go, the inner service must watch ctx to stop early;
// Timeout does not start a goroutine per call.
func Timeout[Req, Resp any](d time.Duration) Middleware[Req, Resp] {
	return LayerFunc[Service[Req, Resp], Service[Req, Resp]](func(next Service[Req, Resp]) Service[Req, Resp] {
		if isNil(next) {
			buildPanic(fmt.Sprintf("timeout(%v)", d), ErrNilService)
		}
		if d <= 0 {
			return next
		}
		return &timeout[Req, Resp]{d: d, next: next}
	})
}

type timeout[Req, Resp any] struct {
	d    time.Duration
	next Service[Req, Resp]
}

func (s *timeout[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	tctx, cancel := context.WithTimeoutCause(ctx, s.d, errTimeoutCause)
	defer cancel()
	resp, err := s.next.Call(tctx, req)
	// An outer Timeout layer's deadline reaches tctx with the same cause;
	// only when the caller's ctx lacks it did this layer's own timer fire.
	if context.Cause(tctx) == errTimeoutCause && context.Cause(ctx) != errTimeoutCause {
		var zero Resp
		return zero, timedOut(s.d, err)
	}
	return resp, err
}

func (s *timeout[Req, Resp]) Describe() string { return fmt.Sprintf("timeout(%v)", s.d) }
func (s *timeout[Req, Resp]) Unwrap() any      { return s.next }
