package volo

import (
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo/thrift"
)

// Call is the request that server and client middleware see: one Thrift
// method call. Generated code fills it in; middleware may read it and, on a
// client, change Addr to pick the instance the call goes to.
type Call struct {
	// Service is the IDL service name: sent as TTHeader's "isn" key by a
	// client, used for routing by a server.
	Service string
	// Method is the Thrift method name.
	Method string
	// Args is the method's args struct.
	Args thrift.Struct
	// Result is, on a client, the result struct the reply is decoded into;
	// the transport returns it as the response. A server leaves it nil:
	// the handler returns the result.
	Result thrift.Struct
	// Addr is, on a client, the address this call goes to ("host:port"),
	// overriding the client's default; a load-balancing layer sets it.
	// On a server it is the caller's address.
	Addr string
	// Oneway is true for a oneway method: no reply is sent or awaited.
	Oneway bool
}

// Service is a built client or server stack: it answers a Call with the
// method's result struct.
type Service = motore.Service[*Call, thrift.Struct]

// Middleware is a user layer over a client's transport or a server's
// handlers, built once with the client or server.
type Middleware = motore.Middleware[*Call, thrift.Struct]
