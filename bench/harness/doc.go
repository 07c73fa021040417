// Package harness holds what the two-process benchmark's server and load
// client share: the stacks a server can run, the request frames the raw
// client sends, the Apache and grpc-go echo glue, and the file-limit and
// memory reports of a process.
//
// The server is cmd/server, the load client cmd/load; scripts/harness.sh
// builds both, runs every stack in turn and prints one table.
package harness
