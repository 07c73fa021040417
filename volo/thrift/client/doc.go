// Package client calls Thrift services over a pool of connections per
// address: one call per connection at a time, connections kept idle up to a
// cap and an age, each probed before reuse so that one its peer closed is
// never handed to a call. A call runs through the user's motore stack down
// to the transport, which sends the context's metainfo and deadline on
// TTHeader, and reads backward values and business errors from the reply.
// Errors are typed: see [New]'s Call. See the examples.
package client
