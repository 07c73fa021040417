// Package volohand holds ThriftTest's Xtruct and Insanity and the benchmark's
// Message written by hand against volo's [thrift.Struct] contract, in the
// style of package thrifttest's Sample. They hold the place of the volo code
// generator's output in the codec benchmarks until it exists, and show what
// the runtime can do when driven directly.
//
// [thrift.Struct]: https://pkg.go.dev/github.com/govolo/volo/volo/thrift#Struct
package volohand
