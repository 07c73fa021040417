// Package wire checks volo's wire layer (volo/thrift and volo/frame) against
// independent implementations, in both directions: CloudWeGo's gopkg
// (TTHeader and its Thrift binary codec, as Kitex uses them) and Apache
// Thrift's Go library (TBinaryProtocol over TFramedTransport and unframed
// buffers). Only the peers' real encoders and decoders decide what the
// right bytes are.
package wire
