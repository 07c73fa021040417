// Package gokit joins motore stacks and go-kit endpoints, both ways:
// [Middleware] turns a motore middleware into a go-kit
// endpoint.Middleware, so the layers of the ext modules (ratelimit,
// circuitbreaker, tracing) wrap go-kit endpoints, and [FromMiddleware]
// turns a go-kit endpoint.Middleware into a motore middleware, so go-kit's
// own middleware runs in motore and volo stacks.
//
// For go-kit's transport/http, [ServerBefore], [ServerAfter],
// [ClientBefore] and [ClientAfter] carry metainfo in the headers the
// CloudWeGo family uses (rpc-persist-*, rpc-transit-*, rpc-backward-*)
// and the trace context in those of the configured OpenTelemetry
// propagator (W3C traceparent and baggage by default). Errors of the
// layers come out of an endpoint as an *[Error] that go-kit's
// DefaultErrorEncoder writes as 429 with Retry-After (a limiter), 503 (an
// open breaker) or 504 (a deadline); [ErrorFromResponse] reads such a
// response back on a client.
//
// See the package examples for runnable code.
package gokit
