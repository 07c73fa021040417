package gokit

import (
	"context"
)

// System is the RPC system name of go-kit calls in [CallInfo].
const System = "gokit"

// CallInfo describes one call. Its fields are those of ext/tracing's
// CallInfo, in the same order, so tracing.CallInfo(c.Info()) converts it
// without this module importing ext/tracing.
type CallInfo struct {
	// System is "gokit".
	System string
	// Service and Method name the endpoint, as [WithName] gave them.
	Service string
	Method  string
	// ServerAddress, ServerPort, PeerAddress and PeerPort are empty: an
	// endpoint does not know its transport.
	ServerAddress string
	ServerPort    int
	PeerAddress   string
	PeerPort      int
	// PeerService is empty.
	PeerService string
}

// FullMethod returns "Service/Method", or Method when Service is empty.
func (i CallInfo) FullMethod() string {
	if i.Service == "" {
		return i.Method
	}
	return i.Service + "/" + i.Method
}

// Call is one call of an endpoint as a stack sees it.
type Call struct {
	// Service and Method name the endpoint (see [WithName]).
	Service string
	Method  string
	// Request is the endpoint's request.
	Request any

	full string // Service/Method, made once per endpoint
}

// Info describes the call for tracing, logging and key functions.
func (c *Call) Info() CallInfo {
	return CallInfo{System: System, Service: c.Service, Method: c.Method}
}

// MethodKey is a key function for per-endpoint limiters and breakers:
// "Service/Method" (or Method alone). It allocates nothing.
func MethodKey(_ context.Context, c *Call) string { return c.full }

func fullMethod(service, method string) string {
	if service == "" {
		return method
	}
	return service + "/" + method
}
