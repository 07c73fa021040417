// Package rpc compares a 1 KB echo call over loopback, with 100 concurrent
// callers and client and server in one process: volo's server and pooled
// client (TTHeader and Framed), Apache Thrift's TSimpleServer with a pool
// of Framed+Binary clients, and grpc-go unary calls, in the same benchmark
// run.
package rpc
