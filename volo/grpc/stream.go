package grpc

import (
	"context"
	"fmt"

	"github.com/govolo/volo/motore"
	"google.golang.org/protobuf/proto"
)

// StreamKind says which sides of a streaming method send a stream of
// messages.
type StreamKind uint8

// The streaming kinds. A unary method has a [MethodDesc], not a
// [StreamDesc].
const (
	// ServerStreaming: one request, a stream of responses.
	ServerStreaming StreamKind = 1 + iota
	// ClientStreaming: a stream of requests, one response.
	ClientStreaming
	// BidiStreaming: a stream each way.
	BidiStreaming
)

// ClientStreams reports whether the client sends more than one message.
func (k StreamKind) ClientStreams() bool { return k == ClientStreaming || k == BidiStreaming }

// ServerStreams reports whether the server sends more than one message.
func (k StreamKind) ServerStreams() bool { return k == ServerStreaming || k == BidiStreaming }

// String returns the kind's name.
func (k StreamKind) String() string {
	switch k {
	case ServerStreaming:
		return "server-streaming"
	case ClientStreaming:
		return "client-streaming"
	case BidiStreaming:
		return "bidi-streaming"
	}
	return "unknown-stream-kind"
}

// StreamDesc describes one streaming method to both sides. Generated code
// declares one per streaming method, and every field is fixed for the
// method.
type StreamDesc struct {
	// Name is the method name as the .proto file spells it
	// ("FullDuplexCall").
	Name string
	// Kind says which sides stream.
	Kind StreamKind
	// NewRequest and NewResponse return empty messages of the method's
	// types.
	NewRequest  func() proto.Message
	NewResponse func() proto.Message
	// Handler (server side) runs the method of impl on stream: generated
	// code wraps stream in the method's typed stream
	// ([GenericServerStream]) and, for a server-streaming method, receives
	// the one request first. It returns [ErrHandlerMismatch], never
	// panics, when impl is not of the service's type. Its error ends the
	// call with that status; nil ends it with OK.
	Handler func(impl any, stream ServerStream) error
}

// Stream is what both sides of a streaming call do with messages.
type Stream interface {
	// Context is the call's context: on a server the handler's (with the
	// client's deadline, metadata and metainfo), on a client the one the
	// stream was opened with. It ends when the call does.
	Context() context.Context
	// SendMsg sends m. On a client it fails with io.EOF once the server
	// ended the call (read the status with RecvMsg); on a server, once the
	// client is gone, with the reason.
	SendMsg(m proto.Message) error
	// RecvMsg receives the next message into m. It returns io.EOF at the
	// end of the peer's messages: on a server when the client closed its
	// side, on a client when the server ended the call with OK; a call
	// that ended otherwise gives its status as the error
	// (volo.CodeOf, [DetailsOf]).
	RecvMsg(m proto.Message) error
}

// ServerStream is the stream a server's streaming handler is given.
type ServerStream interface {
	Stream
	// SetHeader adds md to the response headers, sent with the first
	// message or by SendHeader. It fails with [ErrInvalidMetadata] for
	// metadata that cannot go on the wire and once the headers are sent.
	SetHeader(md Metadata) error
	// SendHeader sends the response headers now, md added.
	SendHeader(md Metadata) error
	// SetTrailer adds md to the trailers sent when the handler returns.
	SetTrailer(md Metadata)
}

// ClientStream is the stream a client opens for a streaming call.
type ClientStream interface {
	Stream
	// Header waits for the response headers and returns their metadata;
	// a call that ended without headers gives its status as the error.
	Header() (Metadata, error)
	// Trailer returns the trailers' metadata, once RecvMsg returned an
	// error (io.EOF included); nil before.
	Trailer() Metadata
	// CloseSend ends the client's side: the server's RecvMsg returns
	// io.EOF. The client keeps receiving.
	CloseSend() error
}

// ClientStreamService is a built client stack for streaming calls: Call
// opens the stream of the method call.StreamDesc describes and returns
// it; a server-streaming call's one request (call.Req) is sent and the
// client's side closed. A middleware wraps the stream it returns (see the
// package doc).
type ClientStreamService = motore.Service[*Call, ClientStream]

// ClientStreamMiddleware is a client layer over streaming calls.
type ClientStreamMiddleware = motore.Middleware[*Call, ClientStream]

// ServerStreamService is a built server stack for streaming calls: Call
// runs the handler on call.ServerStream until it returns. A middleware
// wraps the stream by setting call.ServerStream to its own before calling
// the next service (see the package doc).
type ServerStreamService = motore.Service[*Call, struct{}]

// ServerStreamMiddleware is a server layer over streaming calls.
type ServerStreamMiddleware = motore.Middleware[*Call, struct{}]

// The typed streams generated code hands to users, as grpc-go's generic
// stream interfaces: Req and Res are message types (structs whose pointers
// are proto.Message).

// ServerStreamingServer is the server's side of a server-streaming
// method.
type ServerStreamingServer[Res any] interface {
	// Send sends one response.
	Send(*Res) error
	ServerStream
}

// ClientStreamingServer is the server's side of a client-streaming
// method.
type ClientStreamingServer[Req, Res any] interface {
	// Recv receives the next request; io.EOF after the last.
	Recv() (*Req, error)
	// SendAndClose sends the one response; the handler then returns nil.
	SendAndClose(*Res) error
	ServerStream
}

// BidiStreamingServer is the server's side of a bidi-streaming method.
type BidiStreamingServer[Req, Res any] interface {
	// Recv receives the next request; io.EOF after the last.
	Recv() (*Req, error)
	// Send sends one response.
	Send(*Res) error
	ServerStream
}

// ServerStreamingClient is the client's side of a server-streaming
// method; the request is sent when it is opened.
type ServerStreamingClient[Res any] interface {
	// Recv receives the next response; io.EOF after the last.
	Recv() (*Res, error)
	ClientStream
}

// ClientStreamingClient is the client's side of a client-streaming
// method.
type ClientStreamingClient[Req, Res any] interface {
	// Send sends one request.
	Send(*Req) error
	// CloseAndRecv ends the requests and receives the one response.
	CloseAndRecv() (*Res, error)
	ClientStream
}

// BidiStreamingClient is the client's side of a bidi-streaming method.
type BidiStreamingClient[Req, Res any] interface {
	// Send sends one request.
	Send(*Req) error
	// Recv receives the next response; io.EOF after the last.
	Recv() (*Res, error)
	ClientStream
}

// GenericServerStream implements the three typed server streams over a
// ServerStream; generated handlers wrap the stream they are given in one.
type GenericServerStream[Req, Res any] struct {
	ServerStream
}

// Send sends m.
func (s *GenericServerStream[Req, Res]) Send(m *Res) error { return s.SendMsg(message(m)) }

// SendAndClose sends m, the one response of a client-streaming method.
func (s *GenericServerStream[Req, Res]) SendAndClose(m *Res) error { return s.SendMsg(message(m)) }

// Recv receives the next request.
func (s *GenericServerStream[Req, Res]) Recv() (*Req, error) {
	m := new(Req)
	if err := s.RecvMsg(message(m)); err != nil {
		return nil, err
	}
	return m, nil
}

// GenericClientStream implements the three typed client streams over a
// ClientStream; generated clients wrap the stream they open in one.
type GenericClientStream[Req, Res any] struct {
	ClientStream
}

// Send sends m.
func (s *GenericClientStream[Req, Res]) Send(m *Req) error { return s.SendMsg(message(m)) }

// Recv receives the next response.
func (s *GenericClientStream[Req, Res]) Recv() (*Res, error) {
	m := new(Res)
	if err := s.RecvMsg(message(m)); err != nil {
		return nil, err
	}
	return m, nil
}

// CloseAndRecv ends the requests and receives the one response, then
// waits for the end of the call, so its status is the error if it is not
// OK.
func (s *GenericClientStream[Req, Res]) CloseAndRecv() (*Res, error) {
	if err := s.CloseSend(); err != nil {
		return nil, err
	}
	m := new(Res)
	if err := s.RecvMsg(message(m)); err != nil {
		return nil, err
	}
	return m, nil
}

// message returns m as a proto.Message; Req and Res of the generic
// streams are generated message structs, whose pointers always are one.
func message[T any](m *T) proto.Message {
	if pm, ok := any(m).(proto.Message); ok {
		return pm
	}
	panic(fmt.Sprintf("grpc: %T is not a protobuf message", m))
}
