package motore

import "context"

// MapRequest returns a layer that turns each request with f before passing
// it on. f may change the request type; Resp comes first because it cannot be
// inferred: MapRequest[Resp](f).
func MapRequest[Resp, In, Out any](f func(ctx context.Context, req In) Out) Layer[Service[Out, Resp], Service[In, Resp]] {
	return LayerFunc[Service[Out, Resp], Service[In, Resp]](func(next Service[Out, Resp]) Service[In, Resp] {
		checkFunc("map-request", f == nil, isNil(next))
		return &mapRequest[Resp, In, Out]{f: f, next: next}
	})
}

type mapRequest[Resp, In, Out any] struct {
	f    func(ctx context.Context, req In) Out
	next Service[Out, Resp]
}

func (s *mapRequest[Resp, In, Out]) Call(ctx context.Context, req In) (Resp, error) {
	return s.next.Call(ctx, s.f(ctx, req))
}

func (s *mapRequest[Resp, In, Out]) Describe() string { return "map-request" }
func (s *mapRequest[Resp, In, Out]) Unwrap() any      { return s.next }

// MapResponse returns a layer that turns each successful response with f;
// errors pass through untouched. Req comes first because it cannot be
// inferred: MapResponse[Req](f).
func MapResponse[Req, In, Out any](f func(ctx context.Context, resp In) Out) Layer[Service[Req, In], Service[Req, Out]] {
	return LayerFunc[Service[Req, In], Service[Req, Out]](func(next Service[Req, In]) Service[Req, Out] {
		checkFunc("map-response", f == nil, isNil(next))
		return &mapResponse[Req, In, Out]{f: f, next: next}
	})
}

type mapResponse[Req, In, Out any] struct {
	f    func(ctx context.Context, resp In) Out
	next Service[Req, In]
}

func (s *mapResponse[Req, In, Out]) Call(ctx context.Context, req Req) (Out, error) {
	resp, err := s.next.Call(ctx, req)
	if err != nil {
		var zero Out
		return zero, err
	}
	return s.f(ctx, resp), nil
}

func (s *mapResponse[Req, In, Out]) Describe() string { return "map-response" }
func (s *mapResponse[Req, In, Out]) Unwrap() any      { return s.next }

// MapErr returns a middleware that turns each non-nil error with f; the
// response is passed through as the inner service returned it.
func MapErr[Req, Resp any](f func(ctx context.Context, err error) error) Middleware[Req, Resp] {
	return LayerFunc[Service[Req, Resp], Service[Req, Resp]](func(next Service[Req, Resp]) Service[Req, Resp] {
		checkFunc("map-err", f == nil, isNil(next))
		return &mapErr[Req, Resp]{f: f, next: next}
	})
}

type mapErr[Req, Resp any] struct {
	f    func(ctx context.Context, err error) error
	next Service[Req, Resp]
}

func (s *mapErr[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	resp, err := s.next.Call(ctx, req)
	if err != nil {
		err = s.f(ctx, err)
	}
	return resp, err
}

func (s *mapErr[Req, Resp]) Describe() string { return "map-err" }
func (s *mapErr[Req, Resp]) Unwrap() any      { return s.next }

// AndThen returns a layer that runs f on each successful response; f may
// change the response type and may fail. Req comes first because it cannot
// be inferred: AndThen[Req](f).
func AndThen[Req, In, Out any](f func(ctx context.Context, resp In) (Out, error)) Layer[Service[Req, In], Service[Req, Out]] {
	return LayerFunc[Service[Req, In], Service[Req, Out]](func(next Service[Req, In]) Service[Req, Out] {
		checkFunc("and-then", f == nil, isNil(next))
		return &andThen[Req, In, Out]{f: f, next: next}
	})
}

type andThen[Req, In, Out any] struct {
	f    func(ctx context.Context, resp In) (Out, error)
	next Service[Req, In]
}

func (s *andThen[Req, In, Out]) Call(ctx context.Context, req Req) (Out, error) {
	resp, err := s.next.Call(ctx, req)
	if err != nil {
		var zero Out
		return zero, err
	}
	return s.f(ctx, resp)
}

func (s *andThen[Req, In, Out]) Describe() string { return "and-then" }
func (s *andThen[Req, In, Out]) Unwrap() any      { return s.next }

// checkFunc stops a build whose combinator got a nil function or a nil
// inner service.
func checkFunc(name string, nilFunc, nilNext bool) {
	if nilFunc {
		buildPanic(name, ErrNilFunc)
	}
	if nilNext {
		buildPanic(name, ErrNilService)
	}
}
