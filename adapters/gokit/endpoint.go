package gokit

import (
	"context"
	"net/http"

	"github.com/go-kit/kit/endpoint"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// Middleware returns a go-kit endpoint.Middleware that runs each call of
// the endpoints it wraps through a stack of mw, built once per endpoint.
// Name the endpoints with [WithName]; use one Middleware per name (the
// layers' state, such as a concurrency limit, is shared by every endpoint
// built from the same mw).
//
// An error of the stack with an RPC code (a limiter's, a breaker's, a
// timeout, a deadline) comes out as an *[Error], which go-kit's
// DefaultErrorEncoder writes with the code's HTTP status, Retry-After
// (with [WithRetryAfter]) and the call's backward metainfo; other errors
// come out unchanged. On a server whose [ServerBefore] refused the
// request's metainfo, every call fails with invalid_argument (400).
//
// mw's mistakes (a nil layer, a nil key function) are returned here;
// wrapping a nil endpoint panics with a *motore.BuildError.
func Middleware(mw motore.Middleware[*Call, any], opts ...Option) (endpoint.Middleware, error) {
	cfg := newConfig(opts)
	if _, err := motore.Build[*Call, any](&terminal{next: endpoint.Nop}, mw); err != nil {
		return nil, err
	}
	full := fullMethod(cfg.service, cfg.method)
	return func(next endpoint.Endpoint) endpoint.Endpoint {
		if next == nil {
			panic(&motore.BuildError{Layer: "gokit", Index: -1, Err: motore.ErrNilService})
		}
		stack, err := motore.Build[*Call, any](&terminal{next: next}, mw)
		if err != nil {
			panic(err)
		}
		e := &wrapped{stack: stack, cfg: cfg, full: full}
		return e.call
	}, nil
}

type wrapped struct {
	stack motore.Service[*Call, any]
	cfg   *config
	full  string
}

func (w *wrapped) call(ctx context.Context, req any) (any, error) {
	if err, ok := ctx.Value(headerErrKey{}).(error); ok {
		return nil, &Error{err: err, code: "invalid_argument"}
	}
	c := &Call{Service: w.cfg.service, Method: w.cfg.method, Request: req, full: w.full}
	resp, err := w.stack.Call(ctx, c)
	if err != nil {
		return nil, w.toError(ctx, err)
	}
	return resp, nil
}

// toError gives an error with a code its status and headers.
func (w *wrapped) toError(ctx context.Context, err error) error {
	if _, ok := err.(*Error); ok {
		return err
	}
	code := codeOf(err)
	if code == "" {
		return err
	}
	e := &Error{err: err, code: code}
	status := statusOfCode(code)
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && w.cfg.retryAfter != nil {
		if d, ok := w.cfg.retryAfter(err); ok && d > 0 {
			e.header = http.Header{"Retry-After": {retryAfterSeconds(d)}}
		}
	}
	if metainfo.AllBackwardValuesToSend(ctx) != nil {
		if e.header == nil {
			e.header = http.Header{}
		}
		_ = w.cfg.codec.BackwardToHTTPHeader(ctx, e.header)
	}
	return e
}

// terminal is the innermost service of a stack: the wrapped endpoint.
type terminal struct{ next endpoint.Endpoint }

func (t *terminal) Call(ctx context.Context, c *Call) (any, error) { return t.next(ctx, c.Request) }

func (t *terminal) Describe() string { return "endpoint" }

// FromMiddleware returns a motore middleware that runs go-kit middleware
// m (a go-kit rate limiter, breaker or instrumentation) in a motore
// stack, such as a volo client or server: m wraps the rest of the stack as
// an endpoint, once, when the stack is built. m sees the stack's requests
// and responses as interface{} values; a response that is not a Resp (m
// made up its own) is an [ErrResponseType] failure.
func FromMiddleware[Req, Resp any](m endpoint.Middleware) motore.Middleware[Req, Resp] {
	return motore.LayerFn(func(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
		var err error
		if m == nil {
			err = motore.ErrNilFunc
		}
		motore.CheckBuild("gokit", next, err)
		inner := &innerEndpoint[Req, Resp]{next: next}
		return &fromService[Req, Resp]{e: m(inner.call), next: next}
	})
}

type innerEndpoint[Req, Resp any] struct {
	next motore.Service[Req, Resp]
}

func (i *innerEndpoint[Req, Resp]) call(ctx context.Context, req any) (any, error) {
	r, ok := req.(Req)
	if !ok {
		return nil, ErrRequestType
	}
	resp, err := i.next.Call(ctx, r)
	return resp, err
}

type fromService[Req, Resp any] struct {
	e    endpoint.Endpoint
	next motore.Service[Req, Resp]
}

func (s *fromService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	resp, err := s.e(ctx, req)
	var zero Resp
	if resp == nil {
		return zero, err
	}
	r, ok := resp.(Resp)
	if !ok {
		if err == nil {
			err = ErrResponseType
		}
		return zero, err
	}
	return r, err
}

func (s *fromService[Req, Resp]) Describe() string { return "gokit" }
func (s *fromService[Req, Resp]) Unwrap() any      { return s.next }
