// Package thrifttest helps test Thrift servers and clients: [StartServer]
// serves until the test ends, [EchoFunc] adapts a function to the Echo
// service of package echo (generated code, in the subdirectory of the same
// name), and [Sample] is a struct written by hand that uses every field
// type, for codec tests and benchmarks.
//
// See the examples.
package thrifttest
