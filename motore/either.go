package motore

// Either returns left when useLeft is true and right otherwise: a choice
// between two layers made once, at build time, like Tower's Either. Both
// must have the same types; they may change types.
func Either[In, Out any](useLeft bool, left, right Layer[In, Out]) Layer[In, Out] {
	if useLeft {
		return either[In, Out]{l: left, side: "left"}
	}
	return either[In, Out]{l: right, side: "right"}
}

type either[In, Out any] struct {
	l    Layer[In, Out]
	side string
}

func (e either[In, Out]) Layer(inner In) Out {
	if e.l == nil {
		buildPanic("either "+e.side, ErrNilLayer)
	}
	return e.l.Layer(inner)
}

// Optional returns mw, or [Identity] when mw is nil: a layer that a
// configuration may leave out.
func Optional[Req, Resp any](mw Middleware[Req, Resp]) Middleware[Req, Resp] {
	if mw == nil {
		return Identity[Req, Resp]()
	}
	return mw
}

// When returns mw when cond is true and [Identity] otherwise, so a layer can
// be switched by configuration without an if around the builder.
func When[Req, Resp any](cond bool, mw Middleware[Req, Resp]) Middleware[Req, Resp] {
	if !cond {
		return Identity[Req, Resp]()
	}
	return mw
}
