// Package adapters holds the behavioural table that every adapter of
// volo's adapters/* modules, and volo's own Thrift server and client,
// must pass with the same ext stack (ext/ratelimit, ext/circuitbreaker,
// ext/tracing): a limit rejects, a breaker opens and recovers, spans are
// recorded with the right attributes and parents, metainfo passes
// through two hops, and errors map to each framework's own codes.
//
// The table ([Cases], run by [Run]) is written once, against a
// [Framework]: a framework's test says how to serve and call an echo
// method on loopback with the stacks [ServerMiddleware] and
// [ClientMiddleware] build for its request types. It lives here, in the
// interop module, because only a module outside go.work may import every
// framework at once (grpc-go, connect-go, go-kit) without changing what
// the library modules build against.
package adapters
