// Package thriftrpc checks volo's Thrift server and client against
// independent peers over loopback TCP: Apache Thrift v0.25's client and
// TSimpleServer (Framed and Buffered binary), and TTHeader requests and
// replies built and read by cloudwego/gopkg v0.1.4, as Kitex does. The
// Apache-side Echo glue is written by hand against Apache's TProtocol API.
// It holds tests only.
package thriftrpc
