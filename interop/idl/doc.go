// Package idl checks the Thrift IDL front end, pilota/thriftidl, and the
// Go generator, pilota/gen, against the test IDL files Apache Thrift ships
// with its compiler: every file Apache accepts must load, and generate Go
// that compiles and passes go vet and staticcheck; the files it keeps
// deliberately broken must fail with a positioned error. The files are
// read from the module cache at test time, never copied here.
//
// Run it with GOWORK=off go test ./idl/ from the interop module.
package idl
