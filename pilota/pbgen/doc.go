// Package pbgen generates Go from .proto files without protoc: [Load]
// parses and links a file and its imports with protocompile, and
// [Generate] writes the messages with protoc-gen-go's own generator, run
// in-process, so they are the standard .pb.go types, beside volo's gRPC
// service stubs (a handler interface, its registration, a descriptor per
// method and a typed client) in the layout and names pilota uses for
// Thrift services.
//
// It is a module of its own so that Thrift users of pilota never pull
// protobuf or protocompile. See the examples.
package pbgen
