package thrift

import (
	"context"
	"errors"

	"github.com/govolo/volo/volo"
)

// MethodDesc describes one method to both sides: a client makes its Call
// from it, a server decodes and dispatches with it. Generated code declares
// one per method, and every field is fixed for the method.
type MethodDesc struct {
	// Name is the method name as the IDL spells it, sent on the wire.
	Name string
	// Oneway marks a method whose caller waits for no reply.
	Oneway bool
	// NewArgs returns an empty args struct, with the IDL's defaults.
	NewArgs func() Struct
	// NewResult returns an empty result struct; nil for a oneway method.
	NewResult func() Struct
	// Handler calls the method of impl (the implementation registered for
	// the service, checked against [ServiceDesc].HandlerType) with args
	// made by NewArgs, and returns the result struct: the success value in
	// field 0, or a declared exception in its field. An error it returns
	// that is not part of the result is sent as a business error (see
	// volo.BizError) or an application exception with the error's code.
	// It returns [ErrHandlerMismatch], never panics, when impl or args are
	// not of the method's types.
	Handler func(ctx context.Context, impl any, args Struct) (Struct, error)
}

// ServiceDesc describes a Thrift service: its IDL name, the interface its
// implementations satisfy, and its methods, those of the services it
// extends included. Generated code declares one per service, as grpc-go's
// does.
type ServiceDesc struct {
	// Name is the IDL service name, matched against TTHeader's "isn" key.
	Name string
	// HandlerType is a nil pointer to the interface an implementation
	// must satisfy, as in grpc-go: (*Echo)(nil). A server refuses, when
	// the service is registered, an implementation that does not satisfy
	// it. Nil accepts any implementation.
	HandlerType any
	// Methods lists the methods, each name once.
	Methods []*MethodDesc
}

// Method returns the method named name, or nil.
func (d *ServiceDesc) Method(name string) *MethodDesc {
	for _, m := range d.Methods {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// Result is what the result structs of generated code implement on top of
// [Struct]: Exception returns the declared exception the result carries
// (as the error type the IDL's exception became), or nil. Servers and
// clients use it to report a declared exception to middleware as a
// failure, while the exception still travels as the result's field.
type Result interface {
	Struct
	Exception() error
}

// ErrHandlerMismatch is what a generated handler returns instead of
// panicking when it is called with an implementation or args of another
// method: only a layer that swaps a call's Desc or Args can cause it. Its
// code is volo.CodeInternal.
var ErrHandlerMismatch error = volo.NewError(volo.CodeInternal, errors.New("thrift: handler called with the implementation or args of another method"))

// ExceptionOf returns the declared exception res carries (see [Result]),
// or nil.
func ExceptionOf(res Struct) error {
	if r, ok := res.(Result); ok {
		return r.Exception()
	}
	return nil
}

// MissingResult returns the error of a reply to method that has neither
// a success value nor a declared exception: an application exception of
// type MISSING_RESULT, as Apache Thrift reports it.
func MissingResult(method string) error {
	return NewApplicationException(ExceptionMissingResult, method+" failed: unknown result")
}
