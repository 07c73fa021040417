// Package composition tests the client stack the README recommends: the
// load balancer (ext/discovery), and a circuit breaker
// (ext/circuitbreaker) or a concurrency limit (ext/ratelimit) per instance
// under it, over volo's transport.
//
//	LoadBalance (every policy)
//	  -> breaker per instance or concurrency limit per instance
//	  -> transport
//
// Its tests run every balancing policy against each layer per instance and
// one sick instance of three (dead, slow or flapping), over real volo
// servers on loopback, and check that no call fails while a healthy
// instance is there to serve it: a rejection by the sick instance's
// breaker or limiter says that the call was never sent, so the balancer
// retries it on another instance without importing either module. The
// package has no code of its own; read the tests.
package composition
