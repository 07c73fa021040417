package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/internal/bind"
	"github.com/govolo/volo/volo/grpc/internal/codec"
	"github.com/govolo/volo/volo/grpc/internal/transport"
	"google.golang.org/protobuf/proto"
)

// isStreaming reports whether path names a streaming method, so the
// transport runs its handler from the headers on.
func (s *Server) isStreaming(path string) bool {
	r := s.lookup(path)
	return r != nil && r.stream != nil
}

// serveStream runs one streaming call, on its own goroutine, and ends it
// with the handler's status.
func (s *Server) serveStream(st *transport.ServerStream) {
	r := s.lookup(st.Path)
	if r == nil || r.stream == nil {
		st.Finish(&transport.Response{Status: grpc.StatusOf(volo.Errorf(volo.CodeUnimplemented, "unknown method %s", st.Path))})
		return
	}
	if !codec.Supported(st.Encoding) {
		st.Finish(&transport.Response{
			Header: grpc.Metadata{"grpc-accept-encoding": {"gzip"}},
			Status: grpc.StatusOf(volo.Errorf(volo.CodeUnimplemented, "grpc: Decompressor is not installed for grpc-encoding %q", st.Encoding)),
		})
		return
	}
	ctx := st.Context()
	if st.HasTimeout {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, st.Timeout)
		defer cancel()
	}
	if st.Metainfo != nil {
		var err error
		if ctx, err = s.cfg.codec.FromHTTPHeader(ctx, st.Metainfo); err != nil {
			st.Finish(&transport.Response{Status: grpc.StatusOf(volo.NewError(volo.CodeInvalidArgument, fmt.Errorf("volo: request metainfo: %w", err)))})
			return
		}
	}
	ctx = metainfo.WithBackwardValuesToSend(ctx)
	call := &grpc.Call{
		Service:     r.service,
		Method:      r.stream.Name,
		StreamDesc:  r.stream,
		Addr:        st.RemoteAddr(),
		Metadata:    st.Metadata,
		Compression: st.Encoding,
	}
	bind.Set(call, r.impl)
	ctx = grpc.NewServerContext(ctx, call)
	ss := &serverStream{ctx: ctx, st: st, s: s, call: call}
	switch {
	case st.Encoding != "" && st.Encoding != codec.Identity:
		ss.enc = st.Encoding
	case s.cfg.compression != "" && strings.Contains(st.AcceptEncoding, s.cfg.compression):
		ss.enc = s.cfg.compression
	}
	call.ServerStream = ss

	err := s.callStream(ctx, call)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = volo.NewError(volo.CodeDeadlineExceeded, err)
	}
	out := &transport.Response{Header: call.Header, Trailer: call.Trailer, Status: grpc.StatusOf(err)}
	s.backward(ctx, out)
	st.Finish(out)
}

// callStream runs the stream stack, recovering a panic as an internal
// error.
func (s *Server) callStream(ctx context.Context, call *grpc.Call) (err error) {
	defer func() {
		if p := recover(); p != nil {
			buf := make([]byte, 16<<10)
			buf = buf[:runtime.Stack(buf, false)]
			s.cfg.logger.Error("volo: handler panicked", "method", call.FullMethod(), "panic", p, "stack", string(buf))
			err = errPanic
			if s.cfg.panicDetails {
				err = volo.Errorf(volo.CodeInternal, "volo: the handler panicked: %v", p)
			}
		}
	}()
	_, err = s.streams.Call(ctx, call)
	return err
}

// serverStream is the grpc.ServerStream a streaming handler gets. Its
// headers and trailers live in the call (grpc.SetHeader on the handler's
// context adds to them too).
type serverStream struct {
	ctx     context.Context
	st      *transport.ServerStream
	s       *Server
	call    *grpc.Call
	enc     string
	hdrSent bool
	recvd   int // messages received
}

func (x *serverStream) Context() context.Context { return x.ctx }

func (x *serverStream) header() *transport.Response {
	return &transport.Response{Header: x.call.Header, Encoding: x.enc}
}

func (x *serverStream) SendMsg(m proto.Message) error {
	if err := x.ctx.Err(); err != nil {
		return context.Cause(x.ctx)
	}
	buf := codec.GetBuffer()
	defer buf.Free()
	var err error
	if buf.B, err = codec.AppendMessage(buf.B[:0], m, x.enc, x.s.cfg.t.MaxSendMsgSize); err != nil {
		if errors.Is(err, codec.ErrTooLarge) {
			return fmt.Errorf("%w: response: %w", grpc.ErrTooLarge, err)
		}
		return volo.NewError(volo.CodeInternal, fmt.Errorf("volo: response: %w", err))
	}
	h := x.header()
	x.hdrSent = true
	if err := x.st.SendMsg(h, buf.B); err != nil {
		if cerr := context.Cause(x.ctx); cerr != nil {
			return cerr
		}
		return volo.NewError(volo.CodeUnavailable, fmt.Errorf("volo: sending: %w", err))
	}
	return nil
}

func (x *serverStream) RecvMsg(m proto.Message) error {
	one := x.call.StreamDesc != nil && x.call.StreamDesc.Kind == grpc.ServerStreaming
	if one && x.recvd > 0 {
		return io.EOF
	}
	msg, compressed, err := x.st.Recv(x.ctx)
	if err != nil {
		if one && err == io.EOF {
			// A cardinality violation: UNIMPLEMENTED, as gRPC's status
			// code list has it.
			return volo.Errorf(volo.CodeUnimplemented, "volo: no request message for a server-streaming method")
		}
		return x.recvError(err)
	}
	x.recvd++
	if err := codec.Unmarshal(msg, compressed, x.call.Compression, x.s.cfg.t.MaxRecvMsgSize, m); err != nil {
		return recvError(err)
	}
	if one {
		// The one request of a server-streaming method ends the request
		// stream; a second message is a cardinality violation.
		switch _, _, err := x.st.Recv(x.ctx); {
		case err == nil:
			return volo.Errorf(volo.CodeUnimplemented, "volo: more than one request message for a server-streaming method")
		case err != io.EOF:
			return x.recvError(err)
		}
	}
	return nil
}

// recvError is what RecvMsg returns for an error of the transport's Recv.
func (x *serverStream) recvError(err error) error {
	if err == io.EOF {
		return io.EOF
	}
	var ve *volo.Error
	if errors.As(err, &ve) {
		return err
	}
	if x.ctx.Err() != nil {
		return context.Cause(x.ctx)
	}
	return volo.NewError(volo.CodeCanceled, fmt.Errorf("volo: receiving: %w", err))
}

func (x *serverStream) SetHeader(md grpc.Metadata) error {
	if x.hdrSent {
		return fmt.Errorf("%w: the headers are sent already", grpc.ErrInvalidMetadata)
	}
	return grpc.SetHeader(x.ctx, md)
}

func (x *serverStream) SendHeader(md grpc.Metadata) error {
	if err := x.SetHeader(md); err != nil {
		return err
	}
	x.hdrSent = true
	_, err := x.st.SendHeader(x.header())
	return err
}

// SetTrailer adds md to the trailers; metadata that cannot go on the wire
// is dropped.
func (x *serverStream) SetTrailer(md grpc.Metadata) {
	_ = grpc.SetTrailer(x.ctx, md)
}
