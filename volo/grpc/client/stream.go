package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/internal/codec"
	itransport "github.com/govolo/volo/volo/grpc/internal/transport"
	"google.golang.org/protobuf/proto"
)

// streamTransport is the bottom of the stream stack: it opens a stream on
// a pooled connection to the call's address.
type streamTransport struct{ t *transport }

// Describe names the transport in stack descriptions.
func (s streamTransport) Describe() string { return "grpc-stream-transport" }

func (s streamTransport) Call(ctx context.Context, call *grpc.Call) (grpc.ClientStream, error) {
	t := s.t
	if call.StreamDesc == nil {
		return nil, fmt.Errorf("%w: %s without a stream descriptor", ErrInvalidCall, call.Method)
	}
	addr, err := t.addr(ctx, call)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, ctxError(ctx, "before opening the stream")
	}
	req, err := t.request(ctx, call, addr, nil, nil)
	if err != nil {
		return nil, err
	}
	p, err := t.pool(addr)
	if err != nil {
		return nil, err
	}
	cc, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	cs, err := cc.OpenStream(ctx, req)
	if err != nil {
		return nil, callError(ctx, addr, err)
	}
	st := &clientStream{ctx: ctx, cs: cs, t: t, call: call, addr: addr}
	if call.StreamDesc.Kind == grpc.ServerStreaming {
		if err := st.SendMsg(call.Req); err != nil {
			cs.Cancel()
			return nil, err
		}
		if err := st.CloseSend(); err != nil {
			cs.Cancel()
			return nil, err
		}
	}
	return st, nil
}

// clientStream is the grpc.ClientStream the transport returns. SendMsg
// and CloseSend may run beside RecvMsg, not beside themselves.
type clientStream struct {
	ctx  context.Context
	cs   *itransport.ClientStream
	t    *transport
	call *grpc.Call
	addr string

	closed   bool // CloseSend done
	recvMu   sync.Mutex
	finalErr error // what RecvMsg returns once the call is over
	over     bool
}

func (s *clientStream) Context() context.Context { return s.ctx }

func (s *clientStream) SendMsg(m proto.Message) error {
	if s.closed {
		return fmt.Errorf("%w: SendMsg after CloseSend", ErrInvalidCall)
	}
	buf := codec.GetBuffer()
	defer buf.Free()
	var err error
	if buf.B, err = codec.AppendMessage(buf.B[:0], m, s.call.Compression, s.t.cfg.t.MaxSendMsgSize); err != nil {
		return sendError(err)
	}
	if err := s.cs.Send(s.ctx, buf.B, false); err != nil {
		return s.sendErr(err)
	}
	return nil
}

// sendErr is a failed send's error: io.EOF when the server ended the call
// (RecvMsg tells the status), as grpc-go's streams say.
func (s *clientStream) sendErr(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	if expired(s.ctx) {
		return ctxError(s.ctx, "sending")
	}
	return &connError{msg: "volo: stream to " + s.addr, err: err}
}

func (s *clientStream) CloseSend() error {
	if s.closed {
		return nil
	}
	s.closed = true
	if err := s.cs.Send(s.ctx, nil, true); err != nil && err != io.EOF {
		return s.sendErr(err)
	}
	return nil
}

func (s *clientStream) RecvMsg(m proto.Message) error {
	s.recvMu.Lock()
	defer s.recvMu.Unlock()
	if s.over {
		return s.finalErr
	}
	one := !s.call.StreamDesc.Kind.ServerStreams()
	if err := s.recv(m); err != nil {
		if one && err == io.EOF {
			// A cardinality violation: UNIMPLEMENTED, as gRPC's status
			// code list has it.
			err = volo.NewError(volo.CodeUnimplemented, fmt.Errorf("%w: no response message and status OK for a client-streaming method", volo.ErrProtocol))
		}
		s.over, s.finalErr = true, err
		return err
	}
	if one {
		// One response: the call must end after it, with its status.
		err := s.recv(nil)
		if err == nil {
			err = volo.NewError(volo.CodeUnimplemented, fmt.Errorf("%w: more than one response message for a client-streaming method", volo.ErrProtocol))
			s.cs.Cancel()
		}
		s.over, s.finalErr = true, err
		if err != io.EOF {
			return err
		}
	}
	return nil
}

// recv reads one message into m (nil: expect none).
func (s *clientStream) recv(m proto.Message) error {
	msg, compressed, err := s.cs.Recv(s.ctx)
	if err == io.EOF {
		return s.end()
	}
	if err != nil {
		return s.recvErr(err)
	}
	if m == nil {
		return nil
	}
	if err := codec.Unmarshal(msg, compressed, s.cs.Response.Encoding, s.t.cfg.t.MaxRecvMsgSize, m); err != nil {
		s.cs.Cancel()
		return recvError(err)
	}
	return nil
}

// end is what RecvMsg returns when the server ended the call: io.EOF for
// OK, else the status.
func (s *clientStream) end() error {
	<-s.cs.Done()
	if err := s.cs.Err(); err != nil {
		return s.recvErr(err)
	}
	r := &s.cs.Response
	if len(r.Metainfo) > 0 {
		if err := s.t.cfg.codec.BackwardFromHTTPHeader(s.ctx, r.Metainfo); err != nil && r.Status.Code == volo.CodeOK {
			return fmt.Errorf("%w: response metainfo: %w", volo.ErrProtocol, err)
		}
	}
	if r.Status.Code != volo.CodeOK {
		return r.Status.Err()
	}
	return io.EOF
}

func (s *clientStream) recvErr(err error) error {
	var ve *volo.Error
	switch {
	case expired(s.ctx):
		return ctxError(s.ctx, "receiving")
	case errors.As(err, &ve):
		return err
	case errors.Is(err, itransport.ErrCanceled):
		return volo.NewError(volo.CodeCanceled, fmt.Errorf("volo: stream canceled: %w", err))
	}
	return &connError{msg: "volo: stream to " + s.addr, err: err}
}

func (s *clientStream) Header() (grpc.Metadata, error) {
	if err := s.cs.Header(s.ctx); err != nil {
		return nil, ctxError(s.ctx, "waiting for the headers")
	}
	select {
	case <-s.cs.Done():
		// The headers came before the end of a failed call too, as
		// grpc-go's client has them; trailers only, or a failure before
		// the headers, has no headers.
		if s.cs.Response.Headed {
			return s.cs.Response.Header, nil
		}
		if err := s.cs.Err(); err != nil {
			return nil, s.recvErr(err)
		}
		if st := s.cs.Response.Status; st.Code != volo.CodeOK {
			return nil, st.Err()
		}
		return s.cs.Response.Header, nil
	default:
		return s.cs.Response.Header, nil
	}
}

func (s *clientStream) Trailer() grpc.Metadata {
	select {
	case <-s.cs.Done():
		return s.cs.Response.Trailer
	default:
		return nil
	}
}
