// Package volotest helps test volo servers and clients of every protocol:
// an in-memory [Listener] (bufconn-style) and [ListenTCP], a loopback
// listener closed when the test ends. The Thrift helpers are in
// volo/thrift/thrifttest. See the examples.
package volotest
