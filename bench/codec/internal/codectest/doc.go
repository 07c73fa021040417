// Package codectest drives Apache Thrift's generated code for the codec
// tests: it encodes a value to bytes and decodes bytes to a new value, so
// that the other implementations are checked against the reference.
package codectest
