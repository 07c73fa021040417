package grpc

import (
	"context"
	"strconv"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// UnaryServerInterceptor returns a grpc.UnaryServerInterceptor that runs
// each unary call through a stack of mw over the method's handler, built
// once. The stack's response is the reply message.
//
// Before the stack, the incoming metadata's rpc-persist-* and
// rpc-transit-* entries become metainfo (entries that break metainfo's
// rules fail the call with InvalidArgument), and the propagator's entries
// (traceparent, baggage) the remote parent. Backward values sent by the
// handler go out as rpc-backward-* entries of the reply's header. An
// error of the stack gets a status: see [Error]; with [WithRetryAfter] a
// rejection also carries grpc-retry-pushback-ms.
//
// mw's mistakes (a nil layer, a nil key function) are returned here.
func UnaryServerInterceptor(mw motore.Middleware[*Call, any], opts ...Option) (grpc.UnaryServerInterceptor, error) {
	s, err := newServer(mw, newConfig(opts))
	if err != nil {
		return nil, err
	}
	return s.unary, nil
}

// StreamServerInterceptor returns a grpc.StreamServerInterceptor that
// runs each stream through a stack of mw over the stream's handler, as
// [UnaryServerInterceptor] does for unary calls: the layers see the whole
// stream, from its start to the handler's return, as one call whose
// response is nil. The handler's stream carries the stack's context.
// Backward values go out in the header when it has not been sent yet,
// else in the trailer.
func StreamServerInterceptor(mw motore.Middleware[*Call, any], opts ...Option) (grpc.StreamServerInterceptor, error) {
	s, err := newServer(mw, newConfig(opts))
	if err != nil {
		return nil, err
	}
	return s.stream, nil
}

// ServerOptions returns the grpc.ServerOptions that install both
// interceptors, unary and stream, with one set of layers: a concurrency
// limit or a breaker of mw counts both kinds of call.
func ServerOptions(mw motore.Middleware[*Call, any], opts ...Option) ([]grpc.ServerOption, error) {
	s, err := newServer(mw, newConfig(opts))
	if err != nil {
		return nil, err
	}
	return []grpc.ServerOption{grpc.ChainUnaryInterceptor(s.unary), grpc.ChainStreamInterceptor(s.stream)}, nil
}

type server struct {
	unaryStack  motore.Service[*Call, any]
	streamStack motore.Service[*Call, any]
	cfg         *config
}

func newServer(mw motore.Middleware[*Call, any], cfg *config) (*server, error) {
	unary, err := motore.Build[*Call, any](motore.ServiceFunc[*Call, any](callHandler), mw)
	if err != nil {
		return nil, err
	}
	stream, err := motore.Build[*Call, any](motore.ServiceFunc[*Call, any](callStreamHandler), mw)
	if err != nil {
		return nil, err
	}
	return &server{unaryStack: unary, streamStack: stream, cfg: cfg}, nil
}

func callHandler(ctx context.Context, c *Call) (any, error) { return c.handler(ctx, c.Request) }

func callStreamHandler(ctx context.Context, c *Call) (any, error) {
	c.ss.ctx = ctx
	return nil, c.shandler(c.Server, &c.ss)
}

// incoming reads the metainfo and the trace context of a call.
func (s *server) incoming(ctx context.Context) (context.Context, error) {
	if md, ok := metadata.FromIncomingContext(ctx); ok && len(md) > 0 {
		var err error
		if ctx, err = s.cfg.codec.FromHTTPHeader(ctx, md); err != nil {
			return ctx, status.Error(codes.InvalidArgument, err.Error())
		}
		ctx = s.cfg.prop.Extract(ctx, carrier(md))
	}
	return metainfo.WithBackwardValuesToSend(ctx), nil
}

func (s *server) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := s.incoming(ctx)
	if err != nil {
		return nil, err
	}
	c := &Call{FullMethod: info.FullMethod, Request: req, Server: info.Server, handler: handler}
	if p, ok := peer.FromContext(ctx); ok {
		c.local, c.remote = p.LocalAddr, p.Addr
	}
	resp, err := s.unaryStack.Call(ctx, c)
	if md := s.backward(ctx); md != nil {
		if serr := grpc.SetHeader(ctx, md); serr != nil {
			_ = grpc.SetTrailer(ctx, md)
		}
	}
	if err != nil {
		err = toError(err)
		s.pushback(err, func(md metadata.MD) { _ = grpc.SetTrailer(ctx, md) })
		return nil, err
	}
	return resp, nil
}

func (s *server) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := s.incoming(ss.Context())
	if err != nil {
		return err
	}
	c := &Call{FullMethod: info.FullMethod, Server: srv, shandler: handler}
	c.ss.ServerStream, c.ss.ctx = ss, ctx
	c.ServerStream = &c.ss
	if p, ok := peer.FromContext(ctx); ok {
		c.local, c.remote = p.LocalAddr, p.Addr
	}
	_, err = s.streamStack.Call(ctx, c)
	if md := s.backward(ctx); md != nil {
		if serr := ss.SetHeader(md); serr != nil {
			ss.SetTrailer(md)
		}
	}
	if err != nil {
		err = toError(err)
		s.pushback(err, ss.SetTrailer)
	}
	return err
}

// backward returns the backward values to send, or nil.
func (s *server) backward(ctx context.Context) metadata.MD {
	if metainfo.AllBackwardValuesToSend(ctx) == nil {
		return nil
	}
	md := metadata.MD{}
	if err := s.cfg.codec.BackwardToHTTPHeader(ctx, md); err != nil || len(md) == 0 {
		return nil
	}
	return md
}

// pushback tells a rejected caller when to retry.
func (s *server) pushback(err error, set func(metadata.MD)) {
	if s.cfg.retryAfter == nil {
		return
	}
	if c := status.Code(err); c != codes.ResourceExhausted && c != codes.Unavailable {
		return
	}
	if d, ok := s.cfg.retryAfter(err); ok && d > 0 {
		set(metadata.Pairs("grpc-retry-pushback-ms", strconv.FormatInt(d.Milliseconds(), 10)))
	}
}
