// Package apachegen holds, in its sub-packages, the Go code Apache Thrift's
// compiler generates for ThriftTest.thrift (package thrifttest) and for the
// benchmark's testdata/message.thrift (package message), against the
// github.com/apache/thrift runtime the bench module requires.
//
// The code is committed because CI has no Thrift compiler; generate.sh
// regenerates it exactly, with Debian's thrift-compiler, from the
// ThriftTest.thrift of the module cache.
package apachegen

//go:generate bash generate.sh
