/** Package shared is included by edge.thrift under a Go package name that the programs import too. */
namespace go edge.client

struct Point {
  1: required i32 x
  2: required i32 y
}

/** Root is the service edge.thrift's services extend. */
service Root {
  void ping()
  Point origin()
}
