// Package interop holds tests that check volo's modules against the
// libraries of their peers, byte for byte and value for value, and
// benchmarks that run both side by side. It is a separate module so the
// peers' dependency graphs never reach the library modules; run it with
// GOWORK=off.
package interop
