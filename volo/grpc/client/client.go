package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"google.golang.org/protobuf/proto"
)

// ErrInvalidCall means a call cannot be made as asked: no descriptor, no
// request or response message. Its code is internal.
var ErrInvalidCall error = volo.NewError(volo.CodeInternal, errors.New("volo: invalid gRPC call"))

// Client calls the methods of one gRPC service over pooled, multiplexed
// HTTP/2 connections. It is safe for concurrent use.
type Client struct {
	service string
	stack   grpc.Service
	streams grpc.ClientStreamService
	t       *transport
}

// New returns a client of the gRPC service named service, fully qualified
// ("grpc.testing.TestService", the first part of each call's :path), with
// its middleware stacks built over the transport. It fails only if a stack
// cannot be built, with a *motore.BuildError.
func New(service string, opts ...Option) (*Client, error) {
	t := newTransport(newConfig(opts))
	cfg := &t.cfg
	mws := make([]grpc.Middleware, 0, len(cfg.middleware)+len(cfg.retry)+2+len(cfg.perInstance))
	mws = append(mws, cfg.middleware...)
	if cfg.balancer != nil && len(cfg.retry) > 0 {
		mws = append(mws, triedLayer)
	}
	mws = append(mws, cfg.retry...)
	if cfg.balancer != nil {
		mws = append(mws, balance[proto.Message](cfg.balancer, cfg.balanceKey))
	}
	mws = append(mws, cfg.perInstance...)
	stack, err := motore.Build[*grpc.Call](grpc.Service(t), mws...)
	if err != nil {
		return nil, err
	}
	smws := append([]grpc.ClientStreamMiddleware(nil), cfg.streamMW...)
	if cfg.balancer != nil {
		smws = append(smws, balance[grpc.ClientStream](cfg.balancer, cfg.balanceKey))
	}
	streams, err := motore.Build[*grpc.Call](grpc.ClientStreamService(streamTransport{t}), smws...)
	if err != nil {
		return nil, err
	}
	return &Client{service: service, stack: stack, streams: streams, t: t}, nil
}

// triedLayer gives the attempts of a call that the retry layers under it
// make one discovery.WithTried context, so that the balancer sends each to
// an instance the call has not tried yet.
var triedLayer grpc.Middleware = motore.LayerFn(func(next grpc.Service) grpc.Service {
	return &tried{next: next}
})

type tried struct{ next grpc.Service }

func (s *tried) Call(ctx context.Context, call *grpc.Call) (proto.Message, error) {
	return s.next.Call(discovery.WithTried(ctx), call)
}

// Describe names the layer in stack descriptions.
func (s *tried) Describe() string { return "avoid-tried-instances" }

func (s *tried) Unwrap() any { return s.next }

// balance is discovery's LoadBalance layer, skipped by a call that names
// its own address.
func balance[Resp any](b *discovery.Balancer, key func(context.Context, *grpc.Call) string) motore.Middleware[*grpc.Call, Resp] {
	lb := discovery.LoadBalance[*grpc.Call, Resp](b, key)
	return motore.LayerFn(func(next motore.Service[*grpc.Call, Resp]) motore.Service[*grpc.Call, Resp] {
		return &balanced[Resp]{lb: lb.Layer(next), next: next}
	})
}

type balanced[Resp any] struct {
	lb, next motore.Service[*grpc.Call, Resp]
}

func (s *balanced[Resp]) Call(ctx context.Context, call *grpc.Call) (Resp, error) {
	if call.Addr != "" {
		return s.next.Call(ctx, call)
	}
	return s.lb.Call(ctx, call)
}

// Describe is the load balancer's own description; Unwrap leads the
// description on to the layers under it.
func (s *balanced[Resp]) Describe() string {
	if d, ok := s.lb.(interface{ Describe() string }); ok {
		return d.Describe()
	}
	return "loadbalance"
}

func (s *balanced[Resp]) Unwrap() any { return s.next }

// Call calls the unary method m describes with req and decodes the
// response into resp, through the client's stack. Generated clients call
// it. A status other than OK that the server sent is the error: a
// *volo.Error marked remote with its code and message (volo.CodeOf,
// errors.As), carrying the status details (grpc.DetailsOf). Failures of
// this side match, with errors.Is: volo.ErrTimeout, volo.ErrConnection,
// volo.ErrProtocol, volo.ErrNoAddress, volo.ErrClosed, grpc.ErrTooLarge,
// grpc.ErrInvalidMetadata, [ErrInvalidCall].
//
// The context's outgoing metadata (grpc.WithOutgoingMetadata) and its
// persistent and transient metainfo are sent; backward values the server
// sends are stored in the receiver metainfo.WithBackwardValues put in the
// context.
func (c *Client) Call(ctx context.Context, m *grpc.MethodDesc, req, resp proto.Message, opts ...CallOption) error {
	if m == nil || req == nil || resp == nil {
		return fmt.Errorf("%w: a unary call needs a method, a request and a response", ErrInvalidCall)
	}
	var co callOpts
	for _, o := range opts {
		o.applyCall(&co)
	}
	call := &grpc.Call{Service: c.service, Method: m.Name, Desc: m, Req: req, Resp: resp, Addr: co.addr, Compression: c.t.cfg.compression}
	res, err := c.stack.Call(ctx, call)
	if res != nil && res != resp {
		// A layer answered with a message of its own (a hedge's, on a
		// CloneCall): the caller reads the one it passed.
		proto.Reset(resp)
		proto.Merge(resp, res)
	}
	if co.header != nil {
		*co.header = call.Header
	}
	if co.trailer != nil {
		*co.trailer = call.Trailer
	}
	return err
}

// NewStream opens a call of the streaming method s describes, through the
// client's stream stack, and returns its stream; generated clients wrap it
// in a grpc.GenericClientStream. For a server-streaming method, req is the
// one request, sent with the opening and followed by the end of the
// client's side; for the other kinds req must be nil and the requests go
// through the stream. The stream lives until the server ends the call, ctx
// ends, or, after an error of RecvMsg, the call is over: a caller that
// stops early must cancel ctx to free the stream.
func (c *Client) NewStream(ctx context.Context, s *grpc.StreamDesc, req proto.Message, opts ...CallOption) (grpc.ClientStream, error) {
	if s == nil || (s.Kind == grpc.ServerStreaming) != (req != nil) {
		return nil, fmt.Errorf("%w: a server-streaming call needs its request, other streams none", ErrInvalidCall)
	}
	var co callOpts
	for _, o := range opts {
		o.applyCall(&co)
	}
	call := &grpc.Call{Service: c.service, Method: s.Name, StreamDesc: s, Req: req, Addr: co.addr, Compression: c.t.cfg.compression}
	return c.streams.Call(ctx, call)
}

// CloneCall returns a copy of call with a response message of its own, for
// retry layers that run attempts at once (ext/retry's WithClone).
func CloneCall(call *grpc.Call) *grpc.Call {
	cp := *call
	if call.Desc != nil && call.Desc.NewResponse != nil {
		cp.Resp = call.Desc.NewResponse()
	} else if call.Resp != nil {
		cp.Resp = call.Resp.ProtoReflect().New().Interface()
	}
	cp.Header, cp.Trailer = nil, nil
	return &cp
}

// Stack returns the unary stack, for layers that call it directly.
func (c *Client) Stack() grpc.Service { return c.stack }

// Describe returns the unary stack, outermost layer first, ending with
// the transport.
func (c *Client) Describe() string { return motore.Describe(c.stack) }

// Close closes the client's connections; calls in flight fail with
// volo.ErrClosed, later ones too. It returns when the connections'
// goroutines have ended.
func (c *Client) Close() error {
	c.t.close()
	return nil
}
