package otelvolo

import (
	"context"
	"net"
	"strconv"

	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
)

// System is the rpc.system.name the layers record.
const System = "thrift"

// Propagators is what the layers send and read the trace context with
// unless an option says otherwise: W3C trace context and baggage, as
// otelgrpc and otelhttp peers read them. (OpenTelemetry's global
// propagator sends nothing until a program sets one.)
var Propagators propagation.TextMapPropagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Client returns ext/tracing's client layer for a volo Thrift client, to
// pass to client.WithMiddleware: a span of kind client per call, named
// "Service/method", the call's duration in rpc.client.call.duration, and the
// trace context sent to the server (with [Propagators]). The RPC status
// code is volo.CodeOf the call's error. opts come after these defaults, so they can change them
// (tracing.WithTracerProvider, tracing.WithMeterProvider, ...).
func Client(opts ...tracing.ClientOption) thrift.Middleware {
	all := append([]tracing.ClientOption{tracing.WithStatusCode(StatusCode), tracing.WithPropagators(Propagators)}, opts...)
	return tracing.Client[*thrift.Call, thrift.Struct](ClientInfo, all...)
}

// Server returns ext/tracing's server layer for a volo Thrift server, to
// pass to server.WithMiddleware: it continues the caller's trace with a
// span of kind server per call and measures it in rpc.server.call.duration.
// opts come after the defaults, as for [Client].
func Server(opts ...tracing.ServerOption) thrift.Middleware {
	all := append([]tracing.ServerOption{tracing.WithStatusCode(StatusCode), tracing.WithPropagators(Propagators)}, opts...)
	return tracing.Server[*thrift.Call, thrift.Struct](ServerInfo, all...)
}

// ClientInfo describes a client call to ext/tracing: the IDL service and
// method, and the instance called when the call names one, or a load
// balancer under the layer has picked one already (the layer is usually
// above the balancer, where none is known yet).
func ClientInfo(ctx context.Context, call *thrift.Call) tracing.CallInfo {
	info := tracing.CallInfo{System: System, Service: call.Service, Method: call.Method, PeerService: call.Service}
	addr := call.Addr
	if addr == "" {
		if in, ok := discovery.InstanceFromContext(ctx); ok {
			addr = in.Addr
		}
	}
	if host, port, ok := splitAddr(addr); ok {
		info.ServerAddress, info.ServerPort = host, port
		info.PeerAddress, info.PeerPort = host, port
	}
	return info
}

// ServerInfo describes a call a server received: the IDL service and
// method, and the caller's address.
func ServerInfo(_ context.Context, call *thrift.Call) tracing.CallInfo {
	info := tracing.CallInfo{System: System, Service: call.Service, Method: call.Method}
	if host, port, ok := splitAddr(call.Addr); ok {
		info.PeerAddress, info.PeerPort = host, port
	}
	return info
}

// StatusCode is the RPC status code of err, as volo names it ("ok",
// "resource exhausted", ...).
func StatusCode(err error) string { return volo.CodeOf(err).String() }

func splitAddr(addr string) (host string, port int, ok bool) {
	if addr == "" {
		return "", 0, false
	}
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0, true
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return h, 0, true
	}
	return h, n, true
}
