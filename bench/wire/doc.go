// Package wire benchmarks volo's Thrift binary codec and TTHeader framing
// side by side with Apache Thrift's TBinaryProtocol and CloudWeGo gopkg's
// codecs, on the Echo service's messages. Figures are in volo/BENCHMARKS.md.
package wire
