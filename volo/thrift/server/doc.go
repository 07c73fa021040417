// Package server serves Thrift services: one goroutine per connection reads
// requests in whichever framing the peer speaks (TTHeader, Kitex's
// TTHeaderFramed, Framed, Buffered), each call runs through the user's
// motore stack, and its reply goes back in the framing the request used,
// matched by sequence id. A call that is the only one on its connection
// runs on the goroutine that read it; when the peer pipelines, each call
// runs on a worker goroutine of the connection (a new one when every
// worker is running a call, so that no call waits for another), and a
// call that runs long on the reader hands the reading to a new goroutine
// within a few milliseconds. Replies that are ready together share one
// write.
//
// On TTHeader the server reads metainfo into the call's context, turns the
// RPC timeout into its deadline, routes by the "isn" key, and writes
// backward values and business errors ([volo.BizError]) into the reply;
// on the other framings a handler's metainfo.SendBackwardValue reports
// false, since no reply could carry the value.
// Handler panics become INTERNAL_ERROR exceptions. Read and idle timeouts,
// a connection cap and a bounded graceful [Server.Shutdown] keep a server
// safe from slow or hostile peers. See the examples.
package server
