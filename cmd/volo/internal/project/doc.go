// Package project is what the volo command does to a project: a Go module
// whose code is generated from the IDL listed in its volo.yml: Thrift files
// (pilota/thriftidl and pilota/gen) and .proto files (pilota/pbgen, whose
// projects get a volo/grpc server and client).
//
// [Init] creates one (go.mod, volo.yml, the IDL copied under idl/, the
// generated code under gen/, a server with stub handlers and a client, then
// go mod tidy); [Project.AddIDL] adds an IDL entry; [Project.Gen]
// regenerates every entry, idempotently, removing generated files no entry
// generates any more; [Project.AddRepo] and [Project.UpdateRepo] pin IDL
// repositories to commits through the git command; [GenerateTo]
// generates one IDL into a directory, without a project, for build
// scripts.
//
// volo.yml is read and written with go.yaml.in/yaml/v3, which the module
// graph holds already through testify.
//
// The errors match the sentinels of errors.go with errors.Is; IDL errors
// are *[IDLError] values whose text is thriftidl's, pbgen's or the
// generator's positioned "file:line:col: message" lines.
package project
