// Package rpc compares a 1 KB echo call over loopback, with 100 concurrent
// callers and client and server in one process: volo's server and pooled
// client (TTHeader and Framed), Apache Thrift's TSimpleServer with a pool
// of Framed+Binary clients, and grpc-go unary calls, in the same benchmark
// run. The gRPC benchmarks put volo's gRPC server and client beside
// grpc-go's on the same protobuf messages: unary calls, one bidi stream,
// and the memory of idle connections (figures in BENCHMARKS.md).
package rpc
