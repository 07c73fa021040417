// Package volotest helps test volo servers and clients: an in-memory
// [Listener] (bufconn-style), [StartServer] that serves until the test
// ends, and the Echo service (`service Echo { string echo(1: string msg) }`)
// with its description and a client, written as generated code will be.
// See the examples.
package volotest
