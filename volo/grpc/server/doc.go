// Package server is volo's gRPC server: unary and streaming calls over its
// own HTTP/2 transport (h2c or TLS with ALPN), routed by :path to services
// registered with their descriptors, through motore middleware stacks
// built once (one for unary calls, one for streams: see the grpc
// package's doc for how a layer wraps a stream).
//
// Every frame and header list is bounded before it is allocated; floods of
// frames that cost the peer nothing (the "rapid reset" pattern among
// them), endless CONTINUATION chains and peers that never open their
// flow-control window are cut off without touching other connections; the
// unary request bytes one connection holds are bounded
// (WithMaxConnRequestBytes);
// Shutdown drains with GOAWAY within the deadline its context gives.
//
// # Experimental
//
// The API may change before the first release.
//
// See the examples.
package server
