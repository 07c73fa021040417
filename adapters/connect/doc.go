// Package connect runs motore stacks in connectrpc.com/connect:
// [NewServerInterceptor] and [NewClientInterceptor] return a
// connect.Interceptor whose stack, built once, sees every unary call and
// stream of the handlers or clients it is given to. Layers of the ext
// modules (ratelimit, circuitbreaker, tracing) work in it unchanged.
//
// Metainfo travels in the headers the CloudWeGo family uses
// (rpc-persist-*, rpc-transit-*, and rpc-backward-* on the response), and
// the trace context in the headers of the configured OpenTelemetry
// propagator (W3C traceparent and baggage by default), on all three of
// connect's protocols. Errors of the layers become connect errors:
// CodeResourceExhausted for a limiter's rejection (HTTP 429 on the
// connect protocol), CodeUnavailable for an open breaker,
// CodeDeadlineExceeded for a deadline.
//
// [Call.Info] returns a [CallInfo] that converts to ext/tracing's
// CallInfo, and [MethodKey], [PeerKey] and [HostKey] are key functions for
// limiters and breakers.
//
// See the package examples for runnable code.
package connect
