package motore

// Builder collects middlewares top-down: the first added is the outermost,
// the one a call meets first, as in Motore's ServiceBuilder. A Builder is a
// value; each method returns a new one and leaves the receiver unchanged, so
// a common base can be shared.
type Builder[Req, Resp any] struct {
	mws []Middleware[Req, Resp]
}

// NewBuilder returns an empty Builder.
func NewBuilder[Req, Resp any]() Builder[Req, Resp] {
	return Builder[Req, Resp]{}
}

// Layer adds mw below the layers added before it. A nil mw is reported by
// Build.
func (b Builder[Req, Resp]) Layer(mw Middleware[Req, Resp]) Builder[Req, Resp] {
	b.mws = append(b.mws[:len(b.mws):len(b.mws)], mw)
	return b
}

// Optional adds mw if it is not nil and is a no-op otherwise: a layer
// decided at build time, like Motore's option_layer.
func (b Builder[Req, Resp]) Optional(mw Middleware[Req, Resp]) Builder[Req, Resp] {
	if mw == nil {
		return b
	}
	return b.Layer(mw)
}

// Len returns the number of layers added.
func (b Builder[Req, Resp]) Len() int { return len(b.mws) }

// Middleware returns the collected layers as one middleware.
func (b Builder[Req, Resp]) Middleware() Middleware[Req, Resp] {
	return Chain(b.mws...)
}

// Build wraps inner in the collected layers. A nil inner service, a nil
// layer, a nil function given to a motore combinator, or a layer that returns
// a nil service gives a *BuildError naming the place.
func (b Builder[Req, Resp]) Build(inner Service[Req, Resp]) (Service[Req, Resp], error) {
	return Build(inner, b.mws...)
}

// Build wraps inner in mws, the first outermost. Nil parts give a
// *BuildError instead of a failure at call time.
func Build[Req, Resp any](inner Service[Req, Resp], mws ...Middleware[Req, Resp]) (Service[Req, Resp], error) {
	return Apply(chain[Req, Resp](mws), inner)
}

// Apply applies a layer that may change types, reporting nil parts as a
// *BuildError instead of failing at call time.
func Apply[In, Out any](l Layer[In, Out], inner In) (out Out, err error) {
	if l == nil {
		return out, &BuildError{Index: -1, Err: ErrNilLayer}
	}
	if isNil(inner) {
		return out, &BuildError{Index: -1, Err: ErrNilService}
	}
	defer catchBuild(&err)
	out = l.Layer(inner)
	if isNil(out) {
		return out, &BuildError{Layer: describeLayer(l), Index: -1, Err: ErrNilService}
	}
	return out, nil
}
