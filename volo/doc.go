// Package volo is the RPC framework of volo-go: Thrift over TTHeader,
// Framed and Buffered transports, built on motore stacks and metainfo.
//
// This package holds what servers, clients and generated code share: the
// [Call] that middleware sees, the [ServiceDesc] a server routes with,
// [BizError] and the sentinel errors. The server is in package server, the
// pooled client in package client, test helpers (an in-memory listener, an
// Echo service) in volotest; the wire layer is in packages thrift and frame.
//
// # Experimental
//
// The API will change when the code generator arrives.
//
// See the examples in packages server, client and volotest.
package volo
