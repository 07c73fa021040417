// Package discovery finds the instances of a service, registers a server's
// own instance, and spreads calls over instances with a motore layer.
//
// A [Discoverer] resolves a target to [Instance] values and watches it for
// changes; [Static] and [DNS] are backends in this module, and the etcd
// backend lives in the github.com/govolo/volo/ext/discovery/etcd module. A
// [Balancer] follows a Discoverer's updates and picks an instance per call
// with a [Policy]: round robin, smooth weighted round robin, weighted random,
// power of two choices over peak-EWMA latency, or consistent hashing. The
// [LoadBalance] layer puts the picked instance in the context for the layers
// below it, retries on another instance a call that never reached its
// instance (a failed connection, or the rejection of a circuit breaker or
// limiter per instance, which says so by a method NotSent() bool), and
// ejects instances that keep failing for a while.
//
// See the package examples for runnable code.
package discovery
