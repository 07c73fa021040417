// Package conformance runs connectrpc's conformance suite
// (connectrpc.com/conformance v1.0.7) against volo's gRPC server and
// client: the gRPC protocol over HTTP/2 on plain TCP and TLS, the proto
// codec, identity and gzip, every stream type (testdata/config.yaml).
//
// cmd/voloserver and cmd/voloclient are the programs under test; their
// types are generated from the suite's .proto files (testdata/idl) by the
// volo command (see generate.sh). The tests build both, then run the
// suite's runner, pinned, in server and client modes. It is a module of
// its own, outside go.work; run it with GOWORK=off go test ./...
package conformance

//go:generate bash generate.sh
