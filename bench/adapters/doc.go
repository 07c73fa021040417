// Package adapters measures what the adapters/* modules cost per call over
// the same work written by hand as each framework's own interceptor or
// middleware: the same ext layers (tracing with no-op providers, a
// concurrency limit, a circuit breaker), the same metainfo and W3C trace
// context handling, in the same run. The benchmarks call the interceptors
// directly, with no network, so that the figures are the glue's alone.
package adapters
