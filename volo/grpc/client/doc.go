// Package client is volo's gRPC client: unary and streaming calls over its
// own HTTP/2 transport (h2c, or TLS with ALPN), a pool of multiplexed
// connections per address, load balancing through ext/discovery, and the
// Thrift client's timeout and retry rules, through motore middleware
// stacks built once.
//
// Generated clients hold a [*Client] made by [New] with the service's full
// name, and call [Client.Call] for a unary method and [Client.NewStream]
// for a streaming one, with the method's descriptor.
//
// # Experimental
//
// The API may change before the first release.
package client
