package connect

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// Interceptor is a connect.Interceptor that runs calls through a motore
// stack. Give it to handlers with connect.WithInterceptors (server side,
// [NewServerInterceptor]) or to clients (client side,
// [NewClientInterceptor]); on the other side it passes calls through
// untouched.
type Interceptor struct {
	client      bool
	unaryStack  motore.Service[*Call, any]
	streamStack motore.Service[*Call, any]
	cfg         *config
}

var _ connect.Interceptor = (*Interceptor)(nil)

// NewServerInterceptor returns an interceptor for handlers that runs each
// call through a stack of mw, built once, over the handler. The stack's
// response is the connect.AnyResponse of a unary call and nil for a
// stream, whose layers see it from its start to the handler's return.
//
// Before the stack, the request's rpc-persist-* and rpc-transit-* headers
// become metainfo (bad ones fail the call with CodeInvalidArgument), and
// the propagator's headers (traceparent, baggage) the remote parent.
// Backward values sent by the handler go out as rpc-backward-* headers of
// the response (of its error, on a failure; trailers on a stream). An
// error of the stack gets a code: see [Error]; with [WithRetryAfter] a
// rejection also carries Retry-After.
//
// mw's mistakes (a nil layer, a nil key function) are returned here.
func NewServerInterceptor(mw motore.Middleware[*Call, any], opts ...Option) (*Interceptor, error) {
	return newInterceptor(mw, false, opts)
}

// NewClientInterceptor returns an interceptor for clients that runs each
// call through a stack of mw, built once. The stack's response is the
// connect.AnyResponse of a unary call, and the connect.StreamingClientConn
// of a stream, whose layers see it being opened, not its messages.
//
// The request goes out with the context's metainfo as rpc-persist-* and
// rpc-transit-* headers and the stack's trace context (a tracing.Client
// layer's span) in the propagator's headers. rpc-backward-* headers and
// trailers of a unary response reach the caller's receiver
// (metainfo.WithBackwardValues). Every error with a code, the server's or
// a layer's rejection, is an *[Error].
//
// mw's mistakes are returned here.
func NewClientInterceptor(mw motore.Middleware[*Call, any], opts ...Option) (*Interceptor, error) {
	return newInterceptor(mw, true, opts)
}

func newInterceptor(mw motore.Middleware[*Call, any], client bool, opts []Option) (*Interceptor, error) {
	i := &Interceptor{client: client, cfg: newConfig(opts)}
	unary := motore.Service[*Call, any](&unaryTerminal{cfg: i.cfg})
	stream := motore.Service[*Call, any](motore.ServiceFunc[*Call, any](callHandlerStream))
	if client {
		stream = &clientStreamTerminal{cfg: i.cfg}
	}
	var err error
	if i.unaryStack, err = motore.Build(unary, mw); err != nil {
		return nil, err
	}
	if i.streamStack, err = motore.Build(stream, mw); err != nil {
		return nil, err
	}
	return i, nil
}

// WrapUnary runs unary calls of the interceptor's side through the stack.
func (i *Interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		spec := req.Spec()
		if spec.IsClient != i.client {
			return next(ctx, req)
		}
		if !i.client {
			var err error
			if ctx, err = i.incoming(ctx, req.Header()); err != nil {
				return nil, err
			}
		}
		c := &Call{Spec: spec, Peer: req.Peer(), Header: req.Header(), Request: req, unary: next}
		resp, err := i.unaryStack.Call(ctx, c)
		if err != nil {
			err = toError(err)
			if !i.client {
				i.failed(ctx, err)
			}
			return nil, err
		}
		r, _ := resp.(connect.AnyResponse)
		if !i.client && r != nil {
			if err := i.cfg.codec.BackwardToHTTPHeader(ctx, r.Header()); err != nil {
				return nil, toError(connect.NewError(connect.CodeInternal, err))
			}
		}
		return r, nil
	}
}

// WrapStreamingHandler runs a handler's streams through the stack.
func (i *Interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	if i.client {
		return next
	}
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, err := i.incoming(ctx, conn.RequestHeader())
		if err != nil {
			return err
		}
		c := &Call{Spec: conn.Spec(), Peer: conn.Peer(), Header: conn.RequestHeader(), HandlerConn: conn, shandler: next}
		_, err = i.streamStack.Call(ctx, c)
		if berr := i.cfg.codec.BackwardToHTTPHeader(ctx, conn.ResponseTrailer()); berr != nil && err == nil {
			err = connect.NewError(connect.CodeInternal, berr)
		}
		if err != nil {
			err = toError(err)
			i.failed(ctx, err)
		}
		return err
	}
}

// WrapStreamingClient runs the opening of a client's streams through the
// stack.
func (i *Interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	if !i.client {
		return next
	}
	return func(ctx context.Context, spec connect.Spec) connect.StreamingClientConn {
		c := &Call{Spec: spec, sclient: next}
		resp, err := i.streamStack.Call(ctx, c)
		if err != nil {
			return &failedConn{spec: spec, peer: c.Peer, err: toError(err)}
		}
		conn, _ := resp.(connect.StreamingClientConn)
		return conn
	}
}

// Describe names the interceptor in stack descriptions.
func (i *Interceptor) Describe() string {
	if i.client {
		return "connect(client)"
	}
	return "connect(server)"
}

// Unwrap returns the unary stack, so motore.Describe can list its layers.
func (i *Interceptor) Unwrap() any { return i.unaryStack }

// incoming reads the metainfo and the trace context of a call.
func (i *Interceptor) incoming(ctx context.Context, h http.Header) (context.Context, error) {
	if len(h) > 0 {
		var err error
		if ctx, err = i.cfg.codec.FromHTTPHeader(ctx, h); err != nil {
			return ctx, toError(connect.NewError(connect.CodeInvalidArgument, err))
		}
		ctx = i.cfg.prop.Extract(ctx, propagation.HeaderCarrier(h))
	}
	return metainfo.WithBackwardValuesToSend(ctx), nil
}

// failed adds the backward values and the retry hint to a handler's
// error.
func (i *Interceptor) failed(ctx context.Context, err error) {
	ce := connectError(err)
	if ce == nil {
		return
	}
	_ = i.cfg.codec.BackwardToHTTPHeader(ctx, ce.Meta())
	if i.cfg.retryAfter == nil {
		return
	}
	if c := ce.Code(); c != connect.CodeResourceExhausted && c != connect.CodeUnavailable {
		return
	}
	if d, ok := i.cfg.retryAfter(err); ok && d > 0 {
		ce.Meta().Set("Retry-After", retryAfterSeconds(d))
	}
}

// unaryTerminal is the innermost service of a unary stack: connect's
// next function; on a client, with the metainfo and trace context written
// into the request's headers and the backward values read back.
type unaryTerminal struct{ cfg *config }

func (t *unaryTerminal) Call(ctx context.Context, c *Call) (any, error) {
	if !c.Spec.IsClient {
		return c.unary(ctx, c.Request)
	}
	if err := outgoing(ctx, t.cfg, c.Header); err != nil {
		return nil, err
	}
	resp, err := c.unary(ctx, c.Request)
	if err != nil {
		if ce := connectError(err); ce != nil {
			_ = t.cfg.codec.BackwardFromHTTPHeader(ctx, ce.Meta())
		}
		return nil, toError(err)
	}
	if err := t.cfg.codec.BackwardFromHTTPHeader(ctx, resp.Header()); err != nil {
		return nil, err
	}
	if err := t.cfg.codec.BackwardFromHTTPHeader(ctx, resp.Trailer()); err != nil {
		return nil, err
	}
	return resp, nil
}

func (t *unaryTerminal) Describe() string { return "connect" }

func callHandlerStream(ctx context.Context, c *Call) (any, error) {
	return nil, c.shandler(ctx, c.HandlerConn)
}

// clientStreamTerminal opens a client's stream.
type clientStreamTerminal struct{ cfg *config }

func (t *clientStreamTerminal) Call(ctx context.Context, c *Call) (any, error) {
	conn := c.sclient(ctx, c.Spec)
	c.Peer, c.Header = conn.Peer(), conn.RequestHeader()
	if err := outgoing(ctx, t.cfg, c.Header); err != nil {
		_ = conn.CloseRequest()
		_ = conn.CloseResponse()
		return nil, err
	}
	return conn, nil
}

func (t *clientStreamTerminal) Describe() string { return "connect" }

// outgoing writes the metainfo and the trace context into h.
func outgoing(ctx context.Context, cfg *config, h http.Header) error {
	if err := cfg.codec.ToHTTPHeader(ctx, h); err != nil {
		return err
	}
	cfg.prop.Inject(ctx, propagation.HeaderCarrier(h))
	return nil
}

// failedConn is the stream a client gets when a layer refused to open it:
// every operation returns the layer's error.
type failedConn struct {
	spec   connect.Spec
	peer   connect.Peer
	err    error
	header http.Header
}

func (f *failedConn) Spec() connect.Spec { return f.spec }
func (f *failedConn) Peer() connect.Peer { return f.peer }
func (f *failedConn) Send(any) error     { return f.err }
func (f *failedConn) RequestHeader() http.Header {
	if f.header == nil {
		f.header = make(http.Header)
	}
	return f.header
}
func (f *failedConn) CloseRequest() error          { return nil }
func (f *failedConn) Receive(any) error            { return f.err }
func (f *failedConn) ResponseHeader() http.Header  { return http.Header{} }
func (f *failedConn) ResponseTrailer() http.Header { return http.Header{} }
func (f *failedConn) CloseResponse() error         { return nil }
