package grpc

import (
	"context"
	"errors"

	"github.com/govolo/volo/volo"
	"google.golang.org/protobuf/proto"
)

// MethodDesc describes one unary method to both sides: a client makes its
// Call from it, a server decodes and dispatches with it. Generated code
// declares one per method, and every field is fixed for the method.
type MethodDesc struct {
	// Name is the method name as the .proto file spells it ("UnaryCall").
	Name string
	// NewRequest returns an empty request message.
	NewRequest func() proto.Message
	// NewResponse returns an empty response message.
	NewResponse func() proto.Message
	// Handler calls the method of impl (the implementation registered for
	// the service, checked against [ServiceDesc].HandlerType) with a
	// request made by NewRequest, and returns the response. It returns
	// [ErrHandlerMismatch], never panics, when impl or req are not of the
	// method's types.
	Handler func(ctx context.Context, impl any, req proto.Message) (proto.Message, error)
}

// ServiceDesc describes a gRPC service: its fully qualified name, the
// interface its implementations satisfy, and its methods.
// Generated code declares one per service, as grpc-go's does.
type ServiceDesc struct {
	// Name is the fully qualified service name ("grpc.testing.TestService").
	Name string
	// HandlerType is a nil pointer to the interface an implementation
	// must satisfy: (*TestServiceServer)(nil). A server refuses, when the
	// service is registered, an implementation that does not satisfy it.
	// Nil accepts any implementation.
	HandlerType any
	// Methods lists the unary methods and Streams the streaming ones, each
	// name once across both.
	Methods []*MethodDesc
	Streams []*StreamDesc
}

// StreamMethod returns the streaming method named name, or nil.
func (d *ServiceDesc) StreamMethod(name string) *StreamDesc {
	for _, m := range d.Streams {
		if m.Name == name {
			return m
		}
	}
	return nil
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

// ErrHandlerMismatch is what a generated handler returns instead of
// panicking when it is called with an implementation or request of another
// method: only a layer that swaps a call's Desc or Req can cause it. Its
// code is volo.CodeInternal.
var ErrHandlerMismatch error = volo.NewError(volo.CodeInternal, errors.New("grpc: handler called with the implementation or request of another method"))
