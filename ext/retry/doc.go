// Package retry holds motore middlewares that retry, hedge and shed calls
// without starting a retry storm:
//
//   - [New]: retries with per-method policies (at most 5 attempts, backoff
//     with full jitter, deadline-aware), and hedged requests after a fixed
//     delay or a latency percentile, the first answer winning;
//   - [NewBudget] (Finagle's retry budget) and [NewThrottle] (gRPC's retry
//     throttling): a bound on the retries and hedges sent to one target,
//     shared by its layers;
//   - [Shed]: refuse a call at once when the service below is at capacity.
//
// Storms are stopped across services too: a retried call carries a
// metainfo flag ([MetainfoKey], Kitex's), and a service that receives it
// does not retry its own calls for that request; a call given up on
// returns an *[Error] whose RPC code is "resource_exhausted", and a layer
// that sees that code (or [DoNotRetry]) from below does not retry it.
// Every decision is reported to the hook of [WithOnDecision], for metrics
// and tracing. The package depends on motore and metainfo only: what it
// knows of load balancers and transports comes through methods of their
// errors ([NotSent], [CodeOf]).
//
// See the package examples for runnable code.
package retry
