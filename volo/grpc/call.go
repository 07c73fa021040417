package grpc

import (
	"context"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc/internal/bind"
	"google.golang.org/protobuf/proto"
)

// Call is the request that server and client middleware see: one unary
// gRPC call. A generated client fills it in from the method's descriptor;
// a server fills it in from the request's headers and the descriptor it
// routed the request to. Middleware may read it and, on a client, change
// Addr or Metadata.
type Call struct {
	// Service is the fully qualified service name ("grpc.testing.TestService"),
	// the first part of the HTTP/2 :path.
	Service string
	// Method is the method name ("UnaryCall"), the last part of :path.
	Method string
	// Desc is a unary method's descriptor. A server dispatches through the
	// descriptor it resolved from :path, so a layer that rewrites Method
	// cannot hand one method's request to another's handler.
	Desc *MethodDesc
	// StreamDesc is a streaming method's descriptor, in the stacks of
	// streaming calls; Desc is nil there.
	StreamDesc *StreamDesc
	// ServerStream is, in a server's stack of streaming calls, the stream
	// the handler is given; a layer wraps it by setting its own before it
	// calls the next service. Nil elsewhere.
	ServerStream ServerStream
	// Req is the request message of a unary call, or of a server-streaming
	// call on a client; nil in the other streaming calls, whose requests
	// go through the stream.
	Req proto.Message
	// Resp is, on a client, the message the reply is decoded into; the
	// transport returns it as the response. A server leaves it nil.
	Resp proto.Message
	// Addr is, on a client, the address the call goes to ("host:port"),
	// overriding the client's default; a load-balancing layer sets it. On
	// a server it is the caller's address.
	Addr string
	// Metadata is the request's metadata: on a client what is sent (the
	// context's outgoing metadata is added to it by the transport), on a
	// server what arrived, reserved headers and metainfo's rpc-* headers
	// left out.
	Metadata Metadata
	// Header and Trailer are the response's metadata: on a client what the
	// server sent, filled in by the transport; on a server what the handler
	// set with [SetHeader] and [SetTrailer].
	Header, Trailer Metadata
	// Compression is the request's message encoding: on a client the one
	// it is sent with ("gzip", or "" for none), on a server the one it
	// came with.
	Compression string

	impl any
}

func init() {
	bind.Set = func(call, impl any) { call.(*Call).impl = impl }
	bind.Get = func(call any) any { return call.(*Call).impl }
}

// FullMethod returns the HTTP/2 :path of the call: "/Service/Method".
func (c *Call) FullMethod() string { return "/" + c.Service + "/" + c.Method }

// Info returns what protocol-neutral layers read of the call.
func (c *Call) Info() volo.CallInfo {
	return volo.CallInfo{Protocol: "grpc", Service: c.Service, Method: c.Method, Peer: c.Addr}
}

// Service is a built client or server stack: it answers a unary Call
// with the response message.
type Service = motore.Service[*Call, proto.Message]

// Middleware is a user layer over a client's transport or a server's
// handlers, built once with the client or server.
type Middleware = motore.Middleware[*Call, proto.Message]

type callKey struct{}

// NewServerContext returns ctx carrying call, the way a server hands a
// call to its handlers: [IncomingMetadata], [SetHeader] and [SetTrailer]
// find it there. Servers call it; tests of handlers may too.
func NewServerContext(ctx context.Context, call *Call) context.Context {
	return context.WithValue(ctx, callKey{}, call)
}

// ServerCall returns the call a server is handling in ctx, or nil.
func ServerCall(ctx context.Context) *Call {
	c, _ := ctx.Value(callKey{}).(*Call)
	return c
}
