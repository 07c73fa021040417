// Package scaffold writes the runnable programs of a new volo project: a
// server (cmd/server/main.go) that registers every service of the main IDL
// with a stub handler per service (cmd/server/handler.go), and a client
// (cmd/client/main.go) that calls every method once with zero-value
// arguments.
//
// It reads the signatures from the Go code the generator wrote, not from
// the IDL, so the stubs match the generated interfaces exactly, whatever
// names the generator gives: it parses the generated files with go/parser,
// finds each service's handler interface through its ServiceDesc
// (HandlerType), follows embedded interfaces for inherited methods, and
// follows type aliases to the struct a result or argument ends at, so that
// a struct value is built with its constructor (New<Struct>) and its
// required struct fields are set: a required field left nil would not
// encode, and the peer would reject the message.
//
// For a .proto file, [WriteProto] writes the same three programs on
// volo/grpc from the names pilota/pbgen reports ([pbgen.Services]): the
// stubs answer empty responses and the client calls every method once.
//
// The files are written once, by volo init; they are the user's to edit.
package scaffold
