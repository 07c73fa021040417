package grpc

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// UnaryClientInterceptor returns a grpc.UnaryClientInterceptor that runs
// each unary call through a stack of mw over the invoker, built once. The
// stack's response is the reply message.
//
// The call goes out with the context's metainfo as rpc-persist-* and
// rpc-transit-* metadata and the trace context of the stack's context (a
// tracing.Client layer's span) in the propagator's metadata
// (traceparent, baggage). rpc-backward-* entries of the reply's header
// and trailer reach the caller's receiver (metainfo.WithBackwardValues).
// Every error with a code, the server's status or a layer's rejection, is
// an *[Error]: status.Code reads it, and so do errors.Is and volo's
// CodeOf.
//
// mw's mistakes are returned here.
func UnaryClientInterceptor(mw motore.Middleware[*Call, any], opts ...Option) (grpc.UnaryClientInterceptor, error) {
	c, err := newClient(mw, newConfig(opts))
	if err != nil {
		return nil, err
	}
	return c.unary, nil
}

// StreamClientInterceptor returns a grpc.StreamClientInterceptor that
// runs the start of each stream through a stack of mw over the streamer,
// as [UnaryClientInterceptor] does for unary calls; the stack's response
// is the grpc.ClientStream. The layers see the stream being opened, not
// its messages: a limiter or a breaker admits streams, and a tracing
// layer's span ends when the stream is open. Backward values of streams
// are not read.
func StreamClientInterceptor(mw motore.Middleware[*Call, any], opts ...Option) (grpc.StreamClientInterceptor, error) {
	c, err := newClient(mw, newConfig(opts))
	if err != nil {
		return nil, err
	}
	return c.stream, nil
}

// DialOptions returns the grpc.DialOptions that install both
// interceptors, unary and stream, with one set of layers.
func DialOptions(mw motore.Middleware[*Call, any], opts ...Option) ([]grpc.DialOption, error) {
	c, err := newClient(mw, newConfig(opts))
	if err != nil {
		return nil, err
	}
	return []grpc.DialOption{grpc.WithChainUnaryInterceptor(c.unary), grpc.WithChainStreamInterceptor(c.stream)}, nil
}

type client struct {
	unaryStack  motore.Service[*Call, any]
	streamStack motore.Service[*Call, any]
}

func newClient(mw motore.Middleware[*Call, any], cfg *config) (*client, error) {
	unary, err := motore.Build[*Call, any](&invoker{cfg: cfg}, mw)
	if err != nil {
		return nil, err
	}
	stream, err := motore.Build[*Call, any](&streamer{cfg: cfg}, mw)
	if err != nil {
		return nil, err
	}
	return &client{unaryStack: unary, streamStack: stream}, nil
}

func (c *client) unary(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, inv grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	call := &Call{FullMethod: method, Request: req, Reply: reply, Conn: cc, invoker: inv, opts: opts}
	_, err := c.unaryStack.Call(ctx, call)
	return toError(err)
}

func (c *client) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, str grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	call := &Call{FullMethod: method, StreamDesc: desc, Conn: cc, streamer: str, opts: opts}
	resp, err := c.streamStack.Call(ctx, call)
	if err != nil {
		return nil, toError(err)
	}
	cs, _ := resp.(grpc.ClientStream)
	return cs, nil
}

// outgoing adds the metainfo and the trace context to the outgoing
// metadata.
func outgoing(ctx context.Context, cfg *config) (context.Context, error) {
	md := metadata.MD{}
	if err := cfg.codec.ToHTTPHeader(ctx, md); err != nil {
		return ctx, err
	}
	cfg.prop.Inject(ctx, carrier(md))
	if len(md) == 0 {
		return ctx, nil
	}
	if prev, ok := metadata.FromOutgoingContext(ctx); ok {
		md = metadata.Join(prev, md)
	}
	return metadata.NewOutgoingContext(ctx, md), nil
}

// invoker is the innermost service of a unary client stack.
type invoker struct{ cfg *config }

func (t *invoker) Call(ctx context.Context, c *Call) (any, error) {
	ctx, err := outgoing(ctx, t.cfg)
	if err != nil {
		return nil, err
	}
	// Asking grpc for the reply's metadata costs allocations: only when
	// the caller has a receiver for backward values (a probe that stores
	// nothing).
	if !metainfo.SetBackwardValues(ctx) {
		return c.Reply, toError(c.invoker(ctx, c.FullMethod, c.Request, c.Reply, c.Conn, c.opts...))
	}
	var header, trailer metadata.MD
	opts := append(c.opts[:len(c.opts):len(c.opts)], grpc.Header(&header), grpc.Trailer(&trailer))
	err = c.invoker(ctx, c.FullMethod, c.Request, c.Reply, c.Conn, opts...)
	if berr := t.cfg.codec.BackwardFromHTTPHeader(ctx, header); berr != nil && err == nil {
		err = berr
	}
	if berr := t.cfg.codec.BackwardFromHTTPHeader(ctx, trailer); berr != nil && err == nil {
		err = berr
	}
	return c.Reply, toError(err)
}

func (t *invoker) Describe() string { return "invoker" }

// streamer is the innermost service of a streaming client stack.
type streamer struct{ cfg *config }

func (t *streamer) Call(ctx context.Context, c *Call) (any, error) {
	ctx, err := outgoing(ctx, t.cfg)
	if err != nil {
		return nil, err
	}
	cs, err := c.streamer(ctx, c.StreamDesc, c.Conn, c.FullMethod, c.opts...)
	if err != nil {
		return nil, toError(err)
	}
	return cs, nil
}

func (t *streamer) Describe() string { return "streamer" }
