// Package gen is pilota's Go code generator: it turns a Thrift IDL, loaded
// and resolved by package thriftidl, into Go packages for volo.
//
// For each IDL file, [Generate] writes one Go file into the package its
// "go" namespace names: the IDL's types (structs, unions, exceptions as Go
// error types, enums with String and FromString, typedefs as aliases,
// consts), each struct encoding and decoding itself in the binary protocol
// (ThriftSize, AppendThrift, DecodeThrift, and BLength, FastWrite and
// FastRead, the method names of cloudwego/gopkg's FastCodec); and for each
// service a handler interface, a typed Register<Service>, one
// thrift.MethodDesc per method, its args and result structs, and a typed
// client New<Service>Client. See the repository's volo/thrift README for
// the contract the code targets, and volo/thrift/thrifttest/echo for what
// the generator writes.
//
// The output is gofmt'd and the same for the same input.
//
// See the examples.
package gen
