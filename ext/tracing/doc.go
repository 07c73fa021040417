// Package tracing adds OpenTelemetry spans and RPC duration metrics to motore
// client and server stacks, and carries the trace context from service to
// service in metainfo.
//
// [Client] starts a client span per call, records rpc.client.call.duration
// and writes the trace context into transient metainfo values ([Inject]);
// any transport that sends metainfo therefore sends the trace. [Server]
// reads the context back from what arrived ([Extract]), starts a server span
// as its child and records rpc.server.call.duration. Names and attributes
// follow the OpenTelemetry RPC semantic conventions (v1.43): spans are
// named "service/method" and carry rpc.system.name, rpc.method,
// rpc.response.status_code, error.type, server.address, server.port and
// network.peer.address.
//
// What a call is (system, service, method, peer) comes from a function the
// framework or user passes in, returning a [CallInfo], so this package
// imports no framework. Providers and propagators default to the
// OpenTelemetry globals. With no-op providers a traced call allocates
// nothing. [NewLogHandler] joins slog records to the span of their context.
//
// See the package examples for runnable code.
package tracing
