// Package motore is the middleware core of volo: a generic Service that
// answers one request, and Layers that wrap one service into another.
//
// A Service[Req, Resp] is anything with Call(ctx, req) (Resp, error). A
// Middleware wraps a service into another of the same types; a Layer may
// change them (a codec layer turns a Service[[]byte, []byte] into a
// Service[*Req, *Resp]). Layers are applied once, when a stack is built; a
// call through a built stack allocates nothing in the core.
//
// Stacks are composed with [Chain] (first is outermost), [Stack] for
// type-changing layers, or a [Builder] that reads top-down. A built stack can
// describe itself with [Describe] and [Layers].
//
// Type parameters that cannot be inferred from a function argument come
// first, so only they need writing: Filter[Resp](pred), MapResponse[Req](f).
//
// See the package examples for runnable code.
package motore
