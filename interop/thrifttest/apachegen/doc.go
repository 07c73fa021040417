// Package apachegen holds, in its sub-package thrifttest, the Go code
// Apache Thrift's compiler (Debian's thrift-compiler 0.17.0) generates for
// Apache's test/ThriftTest.thrift, against the github.com/apache/thrift
// runtime the interop module requires: the peer of volo's generated code
// in the interop tests.
//
// The code is committed because CI has no Thrift compiler; generate.sh
// regenerates it exactly, from the ThriftTest.thrift of the module cache,
// without CrazyNesting.list_field (Go cannot key a map by a set) and
// without uuid, which 0.17 predates.
package apachegen

//go:generate bash generate.sh
