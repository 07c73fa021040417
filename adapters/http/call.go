package http

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// System is the RPC system name of HTTP calls in [CallInfo].
const System = "http"

// CallInfo describes one call. Its fields are those of ext/tracing's
// CallInfo, in the same order, so tracing.CallInfo(c.Info()) converts it
// without this module importing ext/tracing.
type CallInfo struct {
	// System is "http".
	System string
	// Service and Method name the operation, as the naming function of
	// [WithNaming] gives them (by default no service and the HTTP method).
	Service string
	Method  string
	// ServerAddress and ServerPort are the host and port the request is
	// addressed to (the Host header on a server, the URL on a client).
	ServerAddress string
	ServerPort    int
	// PeerAddress and PeerPort are the other end: on a server the
	// client's address (Request.RemoteAddr); empty on a client.
	PeerAddress string
	PeerPort    int
	// PeerService is empty: HTTP does not say who calls.
	PeerService string
}

// FullMethod returns "Service/Method", or Method when Service is empty.
func (i CallInfo) FullMethod() string {
	if i.Service == "" {
		return i.Method
	}
	return i.Service + "/" + i.Method
}

// Call is one request as a server stack sees it. The stack's layers may
// read it; the last one hands it to the wrapped http.Handler.
type Call struct {
	// Request is the request as it arrived. The handler gets it with the
	// context the stack passed down (metainfo, trace context, deadline).
	Request *http.Request
	// Writer is where the response goes. It records the status, so that
	// the stack's response is the status the handler wrote.
	Writer http.ResponseWriter

	w      writer
	naming func(r *http.Request) (service, method string)
}

// Info describes the call for tracing, logging and key functions.
func (c *Call) Info() CallInfo {
	r := c.Request
	info := CallInfo{System: System}
	info.Service, info.Method = c.naming(r)
	info.ServerAddress, info.ServerPort = splitHostPort(r.Host)
	info.PeerAddress, info.PeerPort = splitHostPort(r.RemoteAddr)
	return info
}

// RequestInfo describes an outgoing request, for the layers of a client
// stack (see [NewRoundTripper]): the HTTP method as Method, and the URL's
// host and port as the server.
func RequestInfo(r *http.Request) CallInfo {
	info := CallInfo{System: System, Method: r.Method}
	if r.URL != nil {
		info.ServerAddress, info.ServerPort = splitHostPort(r.URL.Host)
		if info.ServerPort == 0 {
			info.ServerPort = defaultPort(r.URL.Scheme)
		}
	}
	return info
}

// MethodKey is a key function for per-method limiters and breakers on a
// server: the call's full method ("Service/Method", or the HTTP method).
func MethodKey(_ context.Context, c *Call) string {
	service, method := c.naming(c.Request)
	return fullMethod(c.Request.URL.Path, service, method)
}

// fullMethod joins service and method, reusing the path when it already
// spells "/service/method" (as with [PathNaming]) so that nothing is
// allocated.
func fullMethod(path, service, method string) string {
	if service == "" {
		return method
	}
	if len(path) == 2+len(service)+len(method) && path[0] == '/' &&
		path[1:1+len(service)] == service && path[1+len(service)] == '/' && path[2+len(service):] == method {
		return path[1:]
	}
	return service + "/" + method
}

// PeerKey is a key function for per-caller limiters on a server: the
// client's IP address, without the port.
func PeerKey(_ context.Context, c *Call) string {
	host, _ := splitHostPort(c.Request.RemoteAddr)
	return host
}

// HostKey is a key function for per-host breakers on a client: the URL's
// host and port as the request names them.
func HostKey(_ context.Context, r *http.Request) string {
	if r.URL == nil {
		return ""
	}
	return r.URL.Host
}

// MethodNaming is the default naming of [WithNaming]: no service, and the
// HTTP method, with the mux pattern when the request was routed
// ("GET /items/{id}"). It never uses the raw path, whose values would give
// every URL its own metric series.
func MethodNaming(r *http.Request) (service, method string) {
	if r.Pattern != "" {
		return "", r.Pattern
	}
	return "", r.Method
}

// PathNaming names an RPC-style request by its path, "/pkg.Service/Method"
// as gRPC, connect and Twirp write it: the last segment is the method and
// the rest the service. Use it only for servers whose paths are a fixed
// set.
func PathNaming(r *http.Request) (service, method string) {
	p := strings.TrimPrefix(r.URL.Path, "/")
	i := strings.LastIndexByte(p, '/')
	if i < 0 {
		return "", p
	}
	return p[:i], p[i+1:]
}

// splitHostPort splits "host:port", tolerating a missing or bad port.
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

func defaultPort(scheme string) int {
	switch scheme {
	case "https":
		return 443
	case "http":
		return 80
	}
	return 0
}
