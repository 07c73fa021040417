package volo

import (
	"context"

	"github.com/govolo/volo/volo/thrift"
)

// ServiceDesc describes a Thrift service to a server: its IDL name and its
// methods. Generated code declares one per service, as grpc-go's does; until
// the generator exists it is written by hand (see the server examples).
type ServiceDesc struct {
	// Name is the IDL service name, matched against TTHeader's "isn" key.
	Name string
	// Methods maps a method name to how it is decoded and called.
	Methods map[string]MethodDesc
}

// MethodDesc tells a server how to run one method without reflection.
type MethodDesc struct {
	// NewArgs returns an empty args struct to decode the request into.
	NewArgs func() thrift.Struct
	// Handler calls the method of impl (the value given to
	// RegisterService) with args from NewArgs, and returns the result
	// struct: the success value in field 0, or a declared exception in its
	// field. An error it returns that is not part of the result is sent as
	// a business error (see [BizError]) or an application exception.
	Handler func(ctx context.Context, impl any, args thrift.Struct) (thrift.Struct, error)
	// Oneway marks a method whose caller waits for no reply.
	Oneway bool
}
