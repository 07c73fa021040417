// Package client calls Thrift services. By default a call takes a pooled
// connection to its address for itself: connections are kept idle up to a
// cap and an age, each probed before reuse (through TLS too, WithTLS) so
// that one its peer closed is never handed to a call, and WithMaxConnsPerAddr
// caps how many are open, the callers beyond it waiting until their
// deadline. With WithMultiplexing, many calls share each of a
// few connections, their replies matched by sequence id. A call runs
// through the user's motore stack (and a load balancer, with WithBalancer)
// down to the transport, which sends the context's metainfo and deadline
// on TTHeader, and reads backward values and business errors from the
// reply. Generated code (New<Service>Client) wraps a Client with typed
// methods. Errors are typed: see [Client.Call]. See the examples.
package client
