// Package bind lets the server package bind an implementation to a call
// without exporting the field: the grpc package sets the functions.
package bind

// Set stores impl in call (a *grpc.Call); Get returns it.
var (
	Set func(call, impl any)
	Get func(call any) any
)
