// Package http runs motore stacks in net/http: [NewMiddleware] turns a
// server stack into a func(http.Handler) http.Handler, [NewHandler] serves
// a handler written as a motore service (whose errors the layers see),
// and [NewRoundTripper] puts a client stack in front of an
// http.RoundTripper.
// The stacks are built once; layers of the ext modules (ratelimit,
// circuitbreaker, tracing) work in them unchanged.
//
// Metainfo travels in the headers the CloudWeGo family uses
// (rpc-persist-*, rpc-transit-*, and rpc-backward-* on the response), and
// the trace context in the headers of the configured OpenTelemetry
// propagator (W3C traceparent and baggage by default), so otelhttp peers
// and volo peers both join the trace. Errors of the layers become
// statuses: a rate or concurrency limit gives 429 with Retry-After, an
// open circuit breaker 503, a deadline 504.
//
// [Call.Info] returns a [CallInfo] that converts to ext/tracing's
// CallInfo, and [MethodKey], [PeerKey] and [HostKey] are key functions for
// per-method, per-caller and per-host limiters and breakers.
//
// See the package examples for runnable code.
package http
