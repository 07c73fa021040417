// Package thrifttest holds message types written by hand the way generated
// code will be written against the [thrift.Struct] contract: the args and
// result of the Echo service, and a Sample struct that uses every field type.
// Tests, benchmarks and interop checks share them.
//
//	service Echo { string echo(1: string msg) }
//
// See the examples for their use.
package thrifttest
