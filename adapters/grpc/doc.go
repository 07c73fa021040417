// Package grpc runs motore stacks in google.golang.org/grpc: unary and
// stream interceptors for servers ([UnaryServerInterceptor],
// [StreamServerInterceptor], or both with [ServerOptions]) and clients
// ([UnaryClientInterceptor], [StreamClientInterceptor], [DialOptions]).
// A stack is built once per interceptor; layers of the ext modules
// (ratelimit, circuitbreaker, tracing) work in it unchanged.
//
// Metainfo travels in gRPC metadata under the names the CloudWeGo family
// uses (rpc-persist-*, rpc-transit-*, and rpc-backward-* in the reply's
// header), so a grpc-go service in the middle of a volo, Kitex or Volo
// call chain passes persistent values on. The trace context travels in
// the metadata of the configured OpenTelemetry propagator (W3C
// traceparent and baggage by default), as otelgrpc peers read and write
// it. Errors of the layers become statuses: ResourceExhausted for a
// limiter's rejection, Unavailable for an open breaker, DeadlineExceeded
// for a deadline; a client's errors carry both the status and the RPC
// code that volo and the ext classifiers read.
//
// [Call.Info] returns a [CallInfo] that converts to ext/tracing's
// CallInfo, and [MethodKey], [PeerKey] and [TargetKey] are key functions
// for limiters and breakers.
//
// See the package examples for runnable code.
package grpc
