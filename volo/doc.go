// Package volo is the RPC framework of volo-go: Thrift over TTHeader,
// Framed and Buffered transports, built on motore stacks and metainfo.
//
// # Experimental
//
// Only the wire layer exists so far:
// [github.com/govolo/volo/volo/thrift] (the binary protocol runtime, and the
// Struct contract that message types implement) and
// [github.com/govolo/volo/volo/frame] (framing, TTHeader, protocol sniffing,
// bounded reads). The server and client that will use them are not written
// yet, so this package has no API of its own.
//
// See the examples in packages thrift and frame.
package volo
