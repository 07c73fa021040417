// Package otelvolo gives volo's Thrift clients and servers OpenTelemetry
// spans and metrics in one line each, through ext/tracing:
//
//	client.New("Echo", client.WithMiddleware(otelvolo.Client()))
//	server.New(server.WithMiddleware(otelvolo.Server()))
//
// The client's span is the parent of the server's across the hop: the
// trace context travels in transient metainfo, which volo sends in
// TTHeader. Spans follow the RPC semantic conventions (rpc.system.name
// "thrift", rpc.method "Service/method", the peer's address and port, the
// RPC status code of volo.CodeOf), and each side measures its calls in the
// rpc.client.call.duration and rpc.server.call.duration histograms.
//
// It is a module of its own so that volo never imports ext/tracing, nor
// ext/tracing volo: it holds only the glue between the two. See the
// examples.
package otelvolo
