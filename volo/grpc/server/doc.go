// Package server is volo's gRPC server: unary calls over its own HTTP/2
// transport (h2c or TLS with ALPN), routed by :path to services registered
// with their descriptors, through a motore middleware stack built once.
//
// # Experimental
//
// The API may change before the first release.
//
// See the examples.
package server
