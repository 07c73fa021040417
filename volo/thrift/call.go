package thrift

import (
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/internal/bind"
)

// Call is the request that server and client middleware see: one Thrift
// method call. A generated client fills it in from the method's
// descriptor; a server fills it in from the request and the descriptor it
// routed the request to. Middleware may read it and, on a client, change
// Addr to pick the instance the call goes to.
type Call struct {
	// Service is the IDL service name: sent as TTHeader's "isn" key by a
	// client, used for routing by a server.
	Service string
	// Method is the method name, as sent on the wire.
	Method string
	// Desc is the method's descriptor: how to make its args and result,
	// whether it is oneway, its handler. A server dispatches through the
	// descriptor it resolved when it decoded the args, so a layer that
	// rewrites Method cannot hand one method's args to another's handler.
	Desc *MethodDesc
	// Args is the method's args struct.
	Args Struct
	// Result is, on a client, the result struct the reply is decoded into;
	// the transport returns it as the response. A server leaves it nil:
	// the handler returns the result.
	Result Struct
	// Addr is, on a client, the address this call goes to ("host:port"),
	// overriding the client's default; a load-balancing layer sets it.
	// On a server it is the caller's address.
	Addr string

	// impl is, on a server, the implementation registered for Desc's
	// service, set by the server when it routes the request.
	impl any
}

func init() {
	bind.Set = func(call, impl any) { call.(*Call).impl = impl }
	bind.Get = func(call any) any { return call.(*Call).impl }
}

// Oneway reports whether the call's method is oneway: no reply is sent or
// awaited.
func (c *Call) Oneway() bool { return c.Desc != nil && c.Desc.Oneway }

// Info returns what protocol-neutral layers read of the call.
func (c *Call) Info() volo.CallInfo {
	return volo.CallInfo{Protocol: "thrift", Service: c.Service, Method: c.Method, Peer: c.Addr, Oneway: c.Oneway()}
}

// Service is a built client or server stack: it answers a Call with the
// method's result struct. When the result carries a declared exception
// (see [Result]), the stack returns the result and the exception as the
// error, so that layers see a failure.
type Service = motore.Service[*Call, Struct]

// Middleware is a user layer over a client's transport or a server's
// handlers, built once with the client or server.
type Middleware = motore.Middleware[*Call, Struct]
