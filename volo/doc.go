// Package volo is the root of volo-go's RPC framework: what every protocol
// shares. It holds the error model ([Code], [CodeOf], [Error] and the
// sentinel errors every transport wraps), [BizError] for business errors,
// and [CallInfo], what protocol-neutral layers read of a call.
//
// The protocols are trees of their own: Thrift over TTHeader, Framed and
// Buffered in volo/thrift (its server, client and framing in
// volo/thrift/server, volo/thrift/client and volo/thrift/frame), gRPC
// later. Code generated from an IDL imports one protocol's tree and this
// package. Test helpers that fit every protocol (an in-memory listener)
// are in volo/volotest.
//
// # Experimental
//
// The API may change before the first release.
//
// See the examples of this package and of volo/thrift/server and
// volo/thrift/client.
package volo
