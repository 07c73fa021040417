package motore

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrPanic is matched by every *PanicError, so errors.Is(err, ErrPanic)
// tells a recovered panic from other failures.
var ErrPanic = errors.New("motore: panic recovered")

// PanicError is the error [CatchPanic] returns for a panic in the inner
// service. It carries the panic value and the goroutine's stack.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the stack of the panicking goroutine, as runtime/debug.Stack
	// formats it.
	Stack []byte
}

// Error gives the panic value; the stack is in the Stack field.
func (e *PanicError) Error() string {
	return fmt.Sprintf("motore: panic recovered: %v", e.Value)
}

// Is reports whether target is ErrPanic.
func (e *PanicError) Is(target error) bool { return target == ErrPanic }

// RPCCode names the RPC status of a recovered panic, "internal", for
// frameworks that map errors to codes without importing this package.
func (e *PanicError) RPCCode() string { return "internal" }

// Unwrap returns the panic value when it is an error, so errors.Is and
// errors.As see through to it.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// CatchPanic returns a middleware that turns a panic in the inner service
// into a *PanicError returned to the caller, so one bad request cannot take
// the process down. It costs nothing when there is no panic.
func CatchPanic[Req, Resp any]() Middleware[Req, Resp] {
	return LayerFunc[Service[Req, Resp], Service[Req, Resp]](func(next Service[Req, Resp]) Service[Req, Resp] {
		if isNil(next) {
			buildPanic("catch-panic", ErrNilService)
		}
		return &catchPanic[Req, Resp]{next: next}
	})
}

type catchPanic[Req, Resp any] struct {
	next Service[Req, Resp]
}

func (s *catchPanic[Req, Resp]) Call(ctx context.Context, req Req) (resp Resp, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero Resp
			resp, err = zero, &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return s.next.Call(ctx, req)
}

func (s *catchPanic[Req, Resp]) Describe() string { return "catch-panic" }
func (s *catchPanic[Req, Resp]) Unwrap() any      { return s.next }
