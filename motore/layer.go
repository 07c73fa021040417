package motore

import "context"

// A Layer wraps an inner service into an outer one. It may change the types:
// In and Out are usually Service types. Layers are applied once, when a stack
// is built.
type Layer[In, Out any] interface {
	Layer(inner In) Out
}

// LayerFunc adapts an ordinary function to a Layer.
type LayerFunc[In, Out any] func(inner In) Out

// Layer calls f(inner).
func (f LayerFunc[In, Out]) Layer(inner In) Out {
	if f == nil {
		buildPanic("LayerFunc", ErrNilFunc)
	}
	return f(inner)
}

// LayerFn returns f as a Layer, inferring the type arguments from f.
func LayerFn[In, Out any](f func(inner In) Out) Layer[In, Out] {
	if f == nil {
		return nil
	}
	return LayerFunc[In, Out](f)
}

// Middleware is the common case of a Layer: one that keeps the request and
// response types.
type Middleware[Req, Resp any] = Layer[Service[Req, Resp], Service[Req, Resp]]

// MiddlewareFunc is a middleware written as one function: it receives the
// call and the next service, like Volo's #[service] or axum's from_fn.
// Applying it costs one allocation at build time and none per call.
type MiddlewareFunc[Req, Resp any] func(ctx context.Context, req Req, next Service[Req, Resp]) (Resp, error)

// Layer wraps next so that every call goes through f.
func (f MiddlewareFunc[Req, Resp]) Layer(next Service[Req, Resp]) Service[Req, Resp] {
	return newFuncService("", f, next)
}

// MiddlewareFn returns f as a Middleware named name in stack descriptions,
// inferring the type arguments from f. An empty name uses the function's
// own name.
func MiddlewareFn[Req, Resp any](name string, f func(ctx context.Context, req Req, next Service[Req, Resp]) (Resp, error)) Middleware[Req, Resp] {
	return namedFunc[Req, Resp]{name: name, f: f}
}

type namedFunc[Req, Resp any] struct {
	name string
	f    MiddlewareFunc[Req, Resp]
}

func (n namedFunc[Req, Resp]) Layer(next Service[Req, Resp]) Service[Req, Resp] {
	return newFuncService(n.name, n.f, next)
}

func newFuncService[Req, Resp any](name string, f MiddlewareFunc[Req, Resp], next Service[Req, Resp]) Service[Req, Resp] {
	if name == "" {
		name = funcName(f)
	}
	if f == nil {
		buildPanic(name, ErrNilFunc)
	}
	if isNil(next) {
		buildPanic(name, ErrNilService)
	}
	return &funcService[Req, Resp]{name: name, f: f, next: next}
}

type funcService[Req, Resp any] struct {
	name string
	f    MiddlewareFunc[Req, Resp]
	next Service[Req, Resp]
}

func (s *funcService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	return s.f(ctx, req, s.next)
}

func (s *funcService[Req, Resp]) Describe() string { return s.name }
func (s *funcService[Req, Resp]) Unwrap() any      { return s.next }

// Identity returns a middleware that leaves the service as it is. It does not
// appear in stack descriptions.
func Identity[Req, Resp any]() Middleware[Req, Resp] {
	return identity[Req, Resp]{}
}

type identity[Req, Resp any] struct{}

func (identity[Req, Resp]) Layer(inner Service[Req, Resp]) Service[Req, Resp] {
	if isNil(inner) {
		buildPanic("identity", ErrNilService)
	}
	return inner
}

// Stack composes two layers that may change types: the result applies inner
// first, then outer, so outer's service is the one called first. It is
// Tower's Stack.
func Stack[A, B, C any](inner Layer[A, B], outer Layer[B, C]) Layer[A, C] {
	return stack[A, B, C]{inner: inner, outer: outer}
}

type stack[A, B, C any] struct {
	inner Layer[A, B]
	outer Layer[B, C]
}

func (s stack[A, B, C]) Layer(svc A) C {
	if s.inner == nil {
		buildPanic("Stack inner", ErrNilLayer)
	}
	if s.outer == nil {
		buildPanic("Stack outer", ErrNilLayer)
	}
	if isNil(svc) {
		buildPanic("Stack", ErrNilService)
	}
	mid := s.inner.Layer(svc)
	if isNil(mid) {
		buildPanic(describeLayer(s.inner), ErrNilService)
	}
	return s.outer.Layer(mid)
}

// Chain composes middlewares into one; the first is outermost, so it sees a
// call first and its result last, as in go-kit and Motore's ServiceBuilder.
func Chain[Req, Resp any](mws ...Middleware[Req, Resp]) Middleware[Req, Resp] {
	return chain[Req, Resp](append([]Middleware[Req, Resp](nil), mws...))
}

type chain[Req, Resp any] []Middleware[Req, Resp]

func (c chain[Req, Resp]) Layer(inner Service[Req, Resp]) Service[Req, Resp] {
	if isNil(inner) {
		buildPanic("", ErrNilService)
	}
	for i := len(c) - 1; i >= 0; i-- {
		inner = applyAt(i, c[i], inner)
	}
	return inner
}

// applyAt applies mw to inner and reports nil parts with their position.
func applyAt[Req, Resp any](i int, mw Middleware[Req, Resp], inner Service[Req, Resp]) Service[Req, Resp] {
	if mw == nil {
		panic(&BuildError{Index: i, Err: ErrNilLayer})
	}
	defer func() {
		if r := recover(); r != nil {
			if be, ok := r.(*BuildError); ok && be.Index < 0 {
				be.Index = i
			}
			panic(r)
		}
	}()
	out := mw.Layer(inner)
	if isNil(out) {
		panic(&BuildError{Layer: describeLayer(mw), Index: i, Err: ErrNilService})
	}
	return out
}
