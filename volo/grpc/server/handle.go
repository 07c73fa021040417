package server

import (
	"context"
	"errors"
	"fmt"
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

// dispatch is the bottom of the stack: it calls the handler of the method
// the request was routed to; a call a layer made itself, with no route, is
// routed by its names.
type dispatch struct{ s *Server }

func (d *dispatch) Call(ctx context.Context, call *grpc.Call) (proto.Message, error) {
	desc, impl := call.Desc, bind.Get(call)
	if desc == nil || impl == nil {
		r := d.s.lookup(call.FullMethod())
		if r == nil || r.desc == nil {
			return nil, volo.Errorf(volo.CodeUnimplemented, "unknown method %s for service %s", call.Method, call.Service)
		}
		desc, impl = r.desc, r.impl
	}
	return desc.Handler(ctx, impl, call.Req)
}

// Describe names the dispatch in stack descriptions.
func (d *dispatch) Describe() string { return "handler" }

// streamDispatch is the bottom of the stream stack: it runs the handler
// of the streaming method on call.ServerStream.
type streamDispatch struct{ s *Server }

func (d *streamDispatch) Call(ctx context.Context, call *grpc.Call) (struct{}, error) {
	desc, impl := call.StreamDesc, bind.Get(call)
	if desc == nil || impl == nil {
		r := d.s.lookup(call.FullMethod())
		if r == nil || r.stream == nil {
			return struct{}{}, volo.Errorf(volo.CodeUnimplemented, "unknown method %s for service %s", call.Method, call.Service)
		}
		desc, impl = r.stream, r.impl
	}
	if call.ServerStream == nil {
		return struct{}{}, volo.Errorf(volo.CodeInternal, "volo: %s called without a stream", call.FullMethod())
	}
	return struct{}{}, desc.Handler(impl, call.ServerStream)
}

// Describe names the dispatch in stack descriptions.
func (d *streamDispatch) Describe() string { return "stream-handler" }

// errPanic is what the caller reads of a handler's panic, unless
// WithPanicDetails.
var errPanic = volo.NewError(volo.CodeInternal, errors.New("volo: the handler panicked"))

// handleStream serves one request, on its own goroutine.
func (s *Server) handleStream(st *transport.ServerStream) {
	if st.Streaming() {
		s.serveStream(st)
		return
	}
	resp, buf := s.serve(st)
	st.Respond(resp)
	if buf != nil {
		buf.Free()
	}
}

// serve runs the call and returns the response to write, and the buffer
// the message lives in.
func (s *Server) serve(st *transport.ServerStream) (*transport.Response, *codec.Buffer) {
	fail := func(err error) (*transport.Response, *codec.Buffer) {
		return &transport.Response{Status: grpc.StatusOf(err)}, nil
	}
	path := st.Path
	r := s.lookup(path)
	if r != nil && r.desc == nil {
		return fail(volo.Errorf(volo.CodeUnimplemented, "volo: streaming method %s is not served by this transport yet", path))
	}
	if r == nil {
		svc, method, _ := strings.Cut(path[1:], "/")
		if !s.hasService(svc) {
			return fail(volo.Errorf(volo.CodeUnimplemented, "unknown service %s", svc))
		}
		return fail(volo.Errorf(volo.CodeUnimplemented, "unknown method %s for service %s", method, svc))
	}
	if !codec.Supported(st.Encoding) {
		resp, _ := fail(volo.Errorf(volo.CodeUnimplemented, "grpc: Decompressor is not installed for grpc-encoding %q", st.Encoding))
		resp.Header = grpc.Metadata{"grpc-accept-encoding": {"gzip"}}
		return resp, nil
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
			return fail(volo.NewError(volo.CodeInvalidArgument, fmt.Errorf("volo: request metainfo: %w", err)))
		}
	}
	ctx = metainfo.WithBackwardValuesToSend(ctx)
	call := &grpc.Call{
		Service:     r.service,
		Method:      r.desc.Name,
		Desc:        r.desc,
		Addr:        st.RemoteAddr(),
		Metadata:    st.Metadata,
		Compression: st.Encoding,
	}
	bind.Set(call, r.impl)
	ctx = grpc.NewServerContext(ctx, call)

	msg, compressed, err := st.Message()
	if err != nil {
		code := volo.CodeInternal
		if errors.Is(err, transport.ErrNoMessage) {
			// A cardinality violation: UNIMPLEMENTED, as gRPC's status
			// code list has it.
			code = volo.CodeUnimplemented
		}
		return fail(volo.NewError(code, fmt.Errorf("volo: %w", err)))
	}
	req := r.desc.NewRequest()
	if err := codec.Unmarshal(msg, compressed, st.Encoding, s.cfg.t.MaxRecvMsgSize, req); err != nil {
		return fail(recvError(err))
	}
	call.Req = req

	res, err := s.call(ctx, call)
	out := &transport.Response{Header: call.Header, Trailer: call.Trailer}
	if err == nil && res == nil {
		err = volo.Errorf(volo.CodeInternal, "volo: %s returned no response and no error", call.FullMethod())
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, ctx.Err()) && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			err = volo.NewError(volo.CodeDeadlineExceeded, err)
		}
		out.Status = grpc.StatusOf(err)
		s.backward(ctx, out)
		return out, nil
	}
	enc := ""
	switch {
	case compressed && st.Encoding != "" && st.Encoding != codec.Identity:
		enc = st.Encoding
	case s.cfg.compression != "" && strings.Contains(st.AcceptEncoding, s.cfg.compression):
		enc = s.cfg.compression
	}
	buf := codec.GetBuffer()
	if buf.B, err = codec.AppendMessage(buf.B[:0], res, enc, s.cfg.t.MaxSendMsgSize); err != nil {
		buf.Free()
		code := volo.CodeInternal
		if errors.Is(err, codec.ErrTooLarge) {
			code = volo.CodeResourceExhausted
		}
		out.Status = grpc.Status{Code: code, Message: "volo: response: " + err.Error()}
		return out, nil
	}
	out.Msg, out.Encoding = buf.B, enc
	s.backward(ctx, out)
	return out, buf
}

// backward writes the backward metainfo the handler sent into the
// response headers.
func (s *Server) backward(ctx context.Context, out *transport.Response) {
	any := false
	for range metainfo.BackwardValuesToSend(ctx) {
		any = true
		break
	}
	if any {
		h := make(map[string][]string)
		if err := s.cfg.codec.BackwardToHTTPHeader(ctx, h); err != nil {
			s.cfg.logger.Warn("volo: backward metainfo not sent", "err", err)
			return
		}
		out.Metainfo = h
	}
}

// recvError maps a failure to decode the request to its status.
func recvError(err error) error {
	switch {
	case errors.Is(err, codec.ErrTooLarge):
		return volo.NewError(volo.CodeResourceExhausted, fmt.Errorf("volo: request: %w", err))
	case errors.Is(err, codec.ErrCompression):
		return volo.NewError(volo.CodeInternal, fmt.Errorf("volo: request: %w", err))
	}
	return volo.NewError(volo.CodeInternal, fmt.Errorf("volo: cannot unmarshal the request: %w", err))
}

// call runs the stack, recovering a panic as an internal error.
func (s *Server) call(ctx context.Context, call *grpc.Call) (res proto.Message, err error) {
	defer func() {
		if p := recover(); p != nil {
			buf := make([]byte, 16<<10)
			buf = buf[:runtime.Stack(buf, false)]
			s.cfg.logger.Error("volo: handler panicked", "method", call.FullMethod(), "panic", p, "stack", string(buf))
			res, err = nil, errPanic
			if s.cfg.panicDetails {
				err = volo.Errorf(volo.CodeInternal, "volo: the handler panicked: %v", p)
			}
		}
	}()
	return s.stack.Call(ctx, call)
}
