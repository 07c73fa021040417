package motore

import "context"

// Filter returns a middleware that asks pred about each request first: a
// non-nil error rejects the request with that error and the inner service is
// not called. Resp comes first because it cannot be inferred: Filter[Resp](pred).
func Filter[Resp, Req any](pred func(ctx context.Context, req Req) error) Middleware[Req, Resp] {
	return LayerFunc[Service[Req, Resp], Service[Req, Resp]](func(next Service[Req, Resp]) Service[Req, Resp] {
		checkFunc("filter", pred == nil, isNil(next))
		return &filter[Req, Resp]{pred: pred, next: next}
	})
}

type filter[Req, Resp any] struct {
	pred func(ctx context.Context, req Req) error
	next Service[Req, Resp]
}

func (s *filter[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	if err := s.pred(ctx, req); err != nil {
		var zero Resp
		return zero, err
	}
	return s.next.Call(ctx, req)
}

func (s *filter[Req, Resp]) Describe() string { return "filter" }
func (s *filter[Req, Resp]) Unwrap() any      { return s.next }
