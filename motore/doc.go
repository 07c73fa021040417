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
// In motore's own combinators, type parameters that cannot be inferred
// from a function argument come first, so only they need writing:
// Filter[Resp](pred), MapResponse[Req](f).
//
// # Constructor shape
//
// Middleware from the other modules of volo (ext/*, adapters/*) is made by
// constructors of one shape:
//
//	func Name[Req, Resp any](deps..., opts ...NameOption) motore.Middleware[Req, Resp]
//
// Type parameters come in Req, Resp order, like Service and Middleware,
// even where one of them could be inferred. What the layer needs is passed
// as arguments typed by small interfaces, defined next to the constructor,
// that the real dependency already satisfies. Options are read by that
// constructor only: each constructor, or family of constructors, has its
// own option interface, so an option it would ignore does not compile. A
// Middleware is returned; a layer whose state users read returns its own
// type instead, which is a Middleware (it has the Layer method). When the
// layer is applied it calls [CheckBuild], so a nil inner service or a bad
// argument is a *BuildError from [Build], never a failure at call time.
//
// See the package examples for runnable code.
package motore
