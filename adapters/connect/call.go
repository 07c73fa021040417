package connect

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"

	"connectrpc.com/connect"
)

// System is the RPC system name of connect calls in [CallInfo], as the
// OpenTelemetry conventions spell it.
const System = "connectrpc"

// CallInfo describes one call. Its fields are those of ext/tracing's
// CallInfo, in the same order, so tracing.CallInfo(c.Info()) converts it
// without this module importing ext/tracing.
type CallInfo struct {
	// System is "connectrpc".
	System string
	// Service is the fully-qualified service ("echo.Echo") and Method the
	// method ("Echo"), from the procedure "/echo.Echo/Echo".
	Service string
	Method  string
	// ServerAddress and ServerPort are, on a client, the host and port of
	// the server's URL; empty on a server.
	ServerAddress string
	ServerPort    int
	// PeerAddress and PeerPort are, on a server, the client's address.
	PeerAddress string
	PeerPort    int
	// PeerService is empty: connect does not say who calls.
	PeerService string
}

// FullMethod returns "Service/Method", or Method when Service is empty.
func (i CallInfo) FullMethod() string {
	if i.Service == "" {
		return i.Method
	}
	return i.Service + "/" + i.Method
}

// Call is one RPC as a stack sees it, on a handler or a client, unary or
// streaming. Layers may read it and change its headers; the last one
// hands it on to connect.
type Call struct {
	// Spec describes the procedure; Spec.IsClient tells the side.
	Spec connect.Spec
	// Peer is the other end: the client's address on a handler, the
	// server's host on a client. On a client stream it is known only once
	// the stream is open.
	Peer connect.Peer
	// Header is the request's header: read on a handler, written (before
	// the request is sent) on a client. Nil on a client stream until it
	// is open.
	Header http.Header
	// Request is the request of a unary call; nil for a stream.
	Request connect.AnyRequest
	// HandlerConn is, on a handler's stream, the stream; nil otherwise.
	HandlerConn connect.StreamingHandlerConn

	unary    connect.UnaryFunc
	shandler connect.StreamingHandlerFunc
	sclient  connect.StreamingClientFunc
}

// IsStream reports whether the call is a stream rather than unary.
func (c *Call) IsStream() bool { return c.Spec.StreamType != connect.StreamTypeUnary }

// Info describes the call for tracing, logging and key functions.
func (c *Call) Info() CallInfo {
	info := CallInfo{System: System}
	info.Service, info.Method = splitProcedure(c.Spec.Procedure)
	if c.Spec.IsClient {
		info.ServerAddress, info.ServerPort = splitHostPort(c.Peer.Addr)
	} else {
		info.PeerAddress, info.PeerPort = splitHostPort(c.Peer.Addr)
	}
	return info
}

// MethodKey is a key function for per-method limiters and breakers: the
// procedure without its leading slash ("echo.Echo/Echo"). It allocates
// nothing.
func MethodKey(_ context.Context, c *Call) string { return strings.TrimPrefix(c.Spec.Procedure, "/") }

// PeerKey is a key function for per-caller limiters on a handler: the
// client's IP address, without the port.
func PeerKey(_ context.Context, c *Call) string {
	host, _ := splitHostPort(c.Peer.Addr)
	return host
}

// HostKey is a key function for per-host breakers on a client: the host
// (and port) of the server's URL.
func HostKey(_ context.Context, c *Call) string { return c.Peer.Addr }

func splitProcedure(p string) (service, method string) {
	p = strings.TrimPrefix(p, "/")
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

func splitHostPort(hostport string) (string, int) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return hostport, 0
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 {
		n = 0
	}
	return host, n
}
