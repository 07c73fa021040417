// Package metainfo carries string metadata with a context.Context from
// service to service, wire-compatible with CloudWeGo's Kitex and Volo.
//
// Three kinds of values travel:
//
//   - transient ([WithValue], [GetValue]): sent one hop; the callee reads
//     them but does not send them on;
//   - persistent ([WithPersistentValue], [GetPersistentValue]): sent on
//     every following hop;
//   - backward ([SendBackwardValue], [RecvBackwardValue]): sent by the
//     callee back to the caller with the response.
//
// A [Codec] maps them to and from the wire: the string maps of TTHeader
// ("RPC_PERSIST_", "RPC_TRANSIT_", "RPC_BACKWARD_" + key) and HTTP or gRPC
// headers ("rpc-persist-", "rpc-transit-", "rpc-backward-" + key). It
// checks every key and value against its limits and reports a bad one with
// an *[Error]; nothing is dropped silently. A [Key] carries a typed value
// that never leaves the process.
//
// Reads allocate nothing and each With allocates once. Names follow
// bytedance/gopkg's cloud/metainfo where the meaning is the same.
//
// See the package examples for runnable code.
package metainfo
