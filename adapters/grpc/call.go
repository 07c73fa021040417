package grpc

import (
	"context"
	"net"
	"strconv"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// System is the RPC system name of gRPC calls in [CallInfo].
const System = "grpc"

// CallInfo describes one call. Its fields are those of ext/tracing's
// CallInfo, in the same order, so tracing.CallInfo(c.Info()) converts it
// without this module importing ext/tracing.
type CallInfo struct {
	// System is "grpc".
	System string
	// Service is the fully-qualified service ("echo.Echo") and Method the
	// method ("Echo"), from the full method "/echo.Echo/Echo".
	Service string
	Method  string
	// ServerAddress and ServerPort name the server: on a server its
	// listening address, on a client the connection's target.
	ServerAddress string
	ServerPort    int
	// PeerAddress and PeerPort are the caller's address, on a server.
	PeerAddress string
	PeerPort    int
	// PeerService is empty: gRPC does not say who calls.
	PeerService string
}

// FullMethod returns "Service/Method", or Method when Service is empty.
func (i CallInfo) FullMethod() string {
	if i.Service == "" {
		return i.Method
	}
	return i.Service + "/" + i.Method
}

// Call is one RPC as a stack sees it, on a server or a client, unary or
// streaming. Layers may read it; the last one hands it on to gRPC.
type Call struct {
	// FullMethod is the method as gRPC names it: "/echo.Echo/Echo".
	FullMethod string
	// Request is the request message of a unary call; nil for a stream.
	Request any
	// Reply is, on a unary client call, the message the reply is decoded
	// into, and the stack's response; nil otherwise.
	Reply any
	// Server is, on a server, the service implementation (grpc's
	// UnaryServerInfo.Server); nil on a client.
	Server any
	// ServerStream is, on a streaming server call, the stream the handler
	// gets, its context replaced by the stack's; nil otherwise.
	ServerStream grpc.ServerStream
	// StreamDesc is, on a streaming client call, the stream's descriptor.
	StreamDesc *grpc.StreamDesc
	// Conn is, on a client, the connection the call goes through.
	Conn *grpc.ClientConn

	local, remote net.Addr // a server's ends of the connection

	handler  grpc.UnaryHandler
	shandler grpc.StreamHandler
	invoker  grpc.UnaryInvoker
	streamer grpc.Streamer
	opts     []grpc.CallOption
	ss       serverStream
}

// IsStream reports whether the call is a stream rather than unary.
func (c *Call) IsStream() bool { return c.ServerStream != nil || c.StreamDesc != nil }

// IsClient reports whether the call is made by a client stack.
func (c *Call) IsClient() bool { return c.Conn != nil || c.invoker != nil || c.streamer != nil }

// Info describes the call for tracing, logging and key functions.
func (c *Call) Info() CallInfo {
	info := CallInfo{System: System}
	info.Service, info.Method = splitMethod(c.FullMethod)
	switch {
	case c.Conn != nil:
		info.ServerAddress, info.ServerPort = splitTarget(c.Conn.Target())
	default:
		info.ServerAddress, info.ServerPort = splitAddr(c.local)
		info.PeerAddress, info.PeerPort = splitAddr(c.remote)
	}
	return info
}

// MethodKey is a key function for per-method limiters and breakers: the
// full method without its leading slash ("echo.Echo/Echo"). It allocates
// nothing.
func MethodKey(_ context.Context, c *Call) string { return strings.TrimPrefix(c.FullMethod, "/") }

// PeerKey is a key function for per-caller limiters on a server: the
// caller's IP address, without the port.
func PeerKey(_ context.Context, c *Call) string {
	host, _ := splitAddr(c.remote)
	return host
}

// TargetKey is a key function for per-target breakers on a client: the
// connection's target as it was dialled.
func TargetKey(_ context.Context, c *Call) string {
	if c.Conn == nil {
		return ""
	}
	return c.Conn.Target()
}

func splitMethod(full string) (service, method string) {
	full = strings.TrimPrefix(full, "/")
	i := strings.LastIndexByte(full, '/')
	if i < 0 {
		return "", full
	}
	return full[:i], full[i+1:]
}

func splitAddr(a net.Addr) (string, int) {
	switch a := a.(type) {
	case nil:
		return "", 0
	case *net.TCPAddr:
		return a.IP.String(), a.Port
	}
	return splitHostPort(a.String())
}

// splitTarget reads host and port from a dial target: "host:port",
// "dns:///host:port" or "passthrough:///host:port".
func splitTarget(target string) (string, int) {
	if i := strings.Index(target, ":///"); i >= 0 {
		target = target[i+4:]
	} else if i := strings.Index(target, "://"); i >= 0 {
		target = target[i+3:]
		if j := strings.IndexByte(target, '/'); j >= 0 {
			target = target[j+1:]
		}
	}
	return splitHostPort(target)
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

// carrier reads and writes gRPC metadata for an OpenTelemetry propagator.
type carrier metadata.MD

func (c carrier) Get(key string) string {
	if v := metadata.MD(c).Get(key); len(v) > 0 {
		return v[0]
	}
	return ""
}

func (c carrier) Set(key, value string) { metadata.MD(c).Set(key, value) }

func (c carrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// serverStream is the handler's stream, carrying the stack's context.
type serverStream struct {
	grpc.ServerStream
	ctx context.Context // the stack's context for this one stream
}

func (s *serverStream) Context() context.Context { return s.ctx }
