package volo

// CallInfo is what a protocol-neutral layer (tracing, limiters, circuit
// breakers, metrics) knows of one call, whatever the protocol: each
// protocol's call type returns it from a method Info, so key and
// call-info functions read it the same way on Thrift and gRPC.
type CallInfo struct {
	// Protocol is the RPC system: "thrift" (later "grpc").
	Protocol string
	// Service is the IDL service name ("Echo").
	Service string
	// Method is the method name as the IDL spells it ("echo").
	Method string
	// Peer is the address of the other end: on a client, the instance
	// called ("host:port", empty until one is picked); on a server, the
	// caller's.
	Peer string
	// Oneway is true for a method whose caller waits for no reply.
	Oneway bool
}

// FullMethod returns "Service/Method", or Method when Service is empty:
// the name tracing and per-method limits use.
func (i CallInfo) FullMethod() string {
	if i.Service == "" {
		return i.Method
	}
	return i.Service + "/" + i.Method
}
