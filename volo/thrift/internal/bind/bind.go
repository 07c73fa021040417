// Package bind lets the server attach the registered implementation to a
// thrift.MessageCall without a public field: package thrift installs the
// functions, the server calls them.
package bind

// Set stores impl in a *thrift.MessageCall; Get reads it back (nil when unset).
var (
	Set func(call, impl any)
	Get func(call any) any
)
