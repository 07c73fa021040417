// Package pilota is the root of volo-go's IDL compilers and Go code
// generator: a Thrift front end written here ([thriftidl]) and the
// generator that turns a resolved IDL into Go packages for volo.
//
// See the examples in the subpackages.
package pilota
