// Package grpc checks volo's gRPC server and client against grpc-go's
// interop suite on loopback: grpc-go's interop client cases against volo's
// server, and volo's client running the same cases against grpc-go's
// interop server. It is a module of its own, outside go.work; run it with
// GOWORK=off go test ./...
package grpc
