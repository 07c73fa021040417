// Package thrift is the runtime of the Thrift binary protocol: what message
// types, hand-written today and generated later, encode and decode
// themselves with.
//
// Encoding appends to a caller's buffer (AppendI32, AppendString,
// AppendMessage, ...) and allocates nothing when the buffer has room; every
// [Struct] knows its encoded size, so the buffer is sized once. Decoding
// reads a byte slice through a [Decoder] that checks every length and count
// it reads against the bytes left and against configured limits (string
// size, container size, nesting depth) before it allocates, and returns a
// *[ProtocolError] for bad input instead of panicking. Both strict and old
// message headers are read; strict ones are written. A [Scanner] finds the
// end of a message arriving in pieces, for unframed transports.
//
// Nothing uses reflection. See the examples, and package thrifttest for
// message types written against the [Struct] contract.
package thrift
