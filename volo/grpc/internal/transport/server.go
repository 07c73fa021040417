package transport

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/internal/codec"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// ClientPreface is what an HTTP/2 client sends first.
const ClientPreface = http2.ClientPreface

// ServerConn is the server side of one HTTP/2 connection. It calls its
// handler, on a goroutine of its own, for each request whose body has
// arrived.
type ServerConn struct {
	conn
	handle    func(*ServerStream)
	streaming func(path string) bool
	baseCtx   context.Context
	remote    string

	mu         sync.Mutex
	streams    map[uint32]*ServerStream
	active     int
	draining   bool // first GOAWAY sent
	final      bool // last GOAWAY sent: new streams are refused
	idleSince  time.Time
	lastID     atomic.Uint32
	dataSent   atomic.Bool
	handlers   sync.WaitGroup
	closingErr error
	// resetStrikes counts streams refused since one finished.
	resetStrikes int
	// buffered counts the bytes of unary request buffers, against
	// MaxConnRequestBytes.
	buffered atomic.Int64
}

// ServerStream is one request on a server connection.
type ServerStream struct {
	c  *ServerConn
	id uint32

	// The request's headers.
	Path           string
	Authority      string
	UserAgent      string
	Timeout        time.Duration
	HasTimeout     bool
	Encoding       string
	AcceptEncoding string
	Metadata       grpc.Metadata
	// Metainfo holds metainfo's rpc-* headers, as they came.
	Metainfo map[string][]string

	sendWin     int64 // under c.wmu
	recvLeft    int64 // reader only
	recvUnacked int64
	held        int64         // bytes of buf counted in the connection's buffered
	buf         *codec.Buffer // request bytes, prefixes included
	refused     bool          // answered by the transport; data ignored
	q           *recvQueue    // a streaming call's requests
	hdrSent     bool          // under c.wmu

	// Under c.mu.
	dispatched bool
	reset      bool
	responded  bool
	finished   bool
	cancel     context.CancelCauseFunc
	ctx        context.Context
}

// window returns the stream's send window, which the connection's wmu guards.
func (s *ServerStream) window() *int64 { return &s.sendWin }

// ErrPeerReset is the cause of a stream's context when the client reset it.
var ErrPeerReset = fmt.Errorf("%w", ErrReset)

// NewServerConn starts serving nc, whose client preface the caller has
// read already. handle is called for each unary request once its body has
// arrived, and for each streaming one (streaming reports which paths are)
// as soon as its headers have. onExit, if not nil, is called once the
// connection is closed and all its goroutines, handlers included, have
// ended (on the last of them), so that no goroutine waits for it.
func NewServerConn(ctx context.Context, nc net.Conn, cfg Config, handle func(*ServerStream), streaming func(path string) bool, onExit func()) *ServerConn {
	c := &ServerConn{handle: handle, streaming: streaming, baseCtx: ctx, streams: make(map[uint32]*ServerStream), idleSince: time.Now()}
	c.onExit = onExit
	c.remote = nc.RemoteAddr().String()
	c.init(nc, cfg, c)
	c.start(nil, true)
	return c
}

func (c *ServerConn) lastPeerStream() uint32 { return c.lastID.Load() }

func (c *ServerConn) known(id uint32) bool { return id&1 == 1 && id <= c.lastID.Load() }

// Active returns the streams open or being handled.
func (c *ServerConn) Active() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active
}

// Wait returns when the connection's goroutines, handlers included, have
// ended.
func (c *ServerConn) Wait() {
	c.wg.Wait()
	c.handlers.Wait()
}

// Close closes the connection at once; handlers' contexts are cancelled.
func (c *ServerConn) Close() { c.fail(ErrClosed) }

// Drain starts a graceful close: GOAWAY with the highest stream id and a
// ping; when the ping's ack arrives, GOAWAY with the last stream the
// server took, after which new streams are refused; the connection
// closes when its last stream ends.
func (c *ServerConn) Drain() {
	c.mu.Lock()
	if c.draining {
		c.mu.Unlock()
		return
	}
	c.draining = true
	c.mu.Unlock()
	c.control(func(b []byte) []byte {
		b = appendGoAway(b, 1<<31-1, http2.ErrCodeNo, "")
		return appendPing(b, false, drainPing)
	})
}

func (c *ServerConn) drainAcked() {
	c.mu.Lock()
	if !c.draining || c.final {
		c.mu.Unlock()
		return
	}
	c.final = true
	idle := c.active == 0
	c.mu.Unlock()
	last := c.lastID.Load()
	if idle {
		c.goAwayAndClose(last, http2.ErrCodeNo, "", fmt.Errorf("%w: drained", ErrClosed))
		return
	}
	c.control(func(b []byte) []byte { return appendGoAway(b, last, http2.ErrCodeNo, "") })
}

// Abort answers every stream whose handler runs with st at once, without
// waiting for flow control, cancels the handlers' contexts with cause,
// and closes the connection once that is written.
func (c *ServerConn) Abort(st grpc.Status, cause error) {
	c.mu.Lock()
	var running []*ServerStream
	for _, s := range c.streams {
		if s.dispatched && !s.responded && !s.reset {
			s.responded = true
			running = append(running, s)
		}
		if s.cancel != nil {
			s.cancel(cause)
		}
	}
	c.closingErr = cause
	c.mu.Unlock()
	for _, s := range running {
		s.abortWrite(st)
	}
	c.goAwayAndClose(c.lastID.Load(), http2.ErrCodeNo, "", fmt.Errorf("%w: %w", ErrClosed, cause))
}

func (c *ServerConn) closed(err error) {
	c.mu.Lock()
	cause := c.closingErr
	if cause == nil {
		cause = err
	}
	for _, s := range c.streams {
		if s.cancel != nil {
			s.cancel(cause)
		}
		if s.q != nil {
			s.q.fail(fmt.Errorf("%w: %w", ErrClosed, cause))
		}
		if !s.dispatched {
			s.finishLocked()
		}
	}
	c.mu.Unlock()
}

func (c *ServerConn) idleCheck() bool {
	c.mu.Lock()
	idle := c.active == 0 && time.Since(c.idleSince) >= c.cfg.IdleTimeout
	c.mu.Unlock()
	if idle {
		c.goAwayAndClose(c.lastID.Load(), http2.ErrCodeNo, "idle", fmt.Errorf("%w: idle", ErrClosed))
	}
	return idle
}

// pingAllowed enforces the keepalive policy: a peer pinging more often
// than MinPingInterval (or at all without streams, unless permitted) gets
// a strike; past MaxPingStrikes it is cut off. Sending data or headers
// forgives, as grpc-go does.
func (c *ServerConn) pingAllowed(now time.Time) bool {
	if c.dataSent.Swap(false) {
		c.pingStrikes = 0
		c.lastPingRecv = now
		return true
	}
	min := c.cfg.MinPingInterval
	if c.Active() == 0 && !c.cfg.PermitWithoutStream {
		min = 2 * time.Hour
	}
	if !c.lastPingRecv.IsZero() && now.Sub(c.lastPingRecv) < min {
		c.pingStrikes++
		if c.pingStrikes > MaxPingStrikes {
			return false
		}
	}
	c.lastPingRecv = now
	return true
}

func (c *ServerConn) adjustStreamWindows(delta int64) bool {
	return adjustStreamWindows(&c.mu, c.streams, delta)
}

func (c *ServerConn) streamWindow(id, incr uint32) (found, ok bool) {
	return growStreamWindow(&c.conn, &c.mu, c.streams, id, incr)
}

// refuse answers a stream without a handler: trailers-only with st, and a
// reset if the client may still be sending.
func (c *ServerConn) refuse(id uint32, httpStatus string, st grpc.Status, endStream bool) {
	fs := []hpack.HeaderField{{Name: ":status", Value: httpStatus}, {Name: "content-type", Value: "application/grpc"}}
	fs = appendStatus(fs, st)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return
	}
	block, err := c.encodeHeadersLocked(fs)
	if err != nil {
		return
	}
	c.wbuf = appendHeaders(c.ensureBuf(), id, block, true, c.peerMaxFrame)
	if !endStream {
		c.wbuf = appendRSTStream(c.wbuf, id, http2.ErrCodeNo)
	}
	c.kickLocked()
}

func (c *ServerConn) onHeaders(id uint32, fields []hpack.HeaderField, endStream, tooLarge bool) error {
	if id&1 == 0 {
		return protoErr("HEADERS on even stream %d", id)
	}
	if id <= c.lastID.Load() {
		c.mu.Lock()
		s := c.streams[id]
		c.mu.Unlock()
		if s != nil && s.q != nil && endStream {
			// A streaming call's client ends its side with trailers.
			s.q.push(nil, 0, true)
			return nil
		}
		if s == nil || s.dispatched || !endStream {
			// Trailers must end the stream; anything on a closed stream
			// is late.
			c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeStreamClosed) })
			return nil
		}
		// The client's trailers end its request.
		return c.onData(id, nil, 0, true)
	}
	c.lastID.Store(id)
	c.mu.Lock()
	final, full := c.final, c.active >= int(c.cfg.MaxConcurrentStreams)
	c.mu.Unlock()
	if final || full {
		c.mu.Lock()
		c.resetStrikes++
		strikes := c.resetStrikes
		c.mu.Unlock()
		if c.flood() || strikes > 2*int(c.cfg.MaxConcurrentStreams)+100 {
			return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: streams over the limit", ErrFlood)}
		}
		c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeRefusedStream) })
		return nil
	}
	if tooLarge {
		c.refuse(id, "200", grpc.Status{Code: volo.CodeResourceExhausted,
			Message: fmt.Sprintf("volo: request header list over %d bytes", c.cfg.MaxHeaderListSize)}, endStream)
		return nil
	}
	s := &ServerStream{c: c, id: id, recvLeft: int64(c.cfg.InitialWindowSize)}
	var method, ct, path string
	for _, f := range fields {
		switch f.Name {
		case ":method":
			method = f.Value
		case ":path":
			path = f.Value
		case ":authority":
			s.Authority = f.Value
		case ":scheme":
		case "content-type":
			ct = f.Value
		case "grpc-timeout":
			d, err := grpc.DecodeTimeout(f.Value)
			if err != nil {
				c.refuse(id, "200", grpc.Status{Code: volo.CodeInternal, Message: "volo: malformed grpc-timeout " + f.Value}, endStream)
				return nil
			}
			s.Timeout, s.HasTimeout = d, true
		case "grpc-encoding":
			s.Encoding = f.Value
		case "grpc-accept-encoding":
			s.AcceptEncoding = f.Value
		case "user-agent":
			s.UserAgent = f.Value
		default:
			if len(f.Name) > 0 && f.Name[0] == ':' {
				return protoErr("pseudo header %s in a request", f.Name)
			}
			if err := addField(&s.Metadata, &s.Metainfo, f.Name, f.Value); err != nil {
				c.refuse(id, "200", grpc.Status{Code: volo.CodeInternal, Message: "volo: " + err.Error()}, endStream)
				return nil
			}
		}
	}
	switch {
	case method != "POST":
		c.refuse(id, "405", grpc.Status{Code: volo.CodeInternal, Message: "volo: method " + method + " not allowed"}, endStream)
		return nil
	case !grpcContentType(ct):
		c.refuse(id, "415", grpc.Status{Code: volo.CodeInternal, Message: "volo: content-type " + ct + " is not gRPC"}, endStream)
		return nil
	case !protoSubtype(ct):
		c.refuse(id, "200", grpc.Status{Code: volo.CodeInternal, Message: "volo: content-type " + ct + ": only the proto codec is served"}, endStream)
		return nil
	case len(path) < 2 || path[0] != '/':
		c.refuse(id, "200", grpc.Status{Code: volo.CodeUnimplemented, Message: "volo: malformed method name " + path}, endStream)
		return nil
	}
	s.Path = path
	if c.streaming != nil && c.streaming(path) {
		s.q = newRecvQueue(c.cfg.InitialWindowSize, c.cfg.MaxRecvMsgSize)
	}
	c.mu.Lock()
	c.streams[id] = s
	c.active++
	c.mu.Unlock()
	c.wmu.Lock()
	s.sendWin = int64(c.peerInitWin)
	c.wmu.Unlock()
	if s.q != nil {
		if endStream {
			s.q.push(nil, 0, true)
		}
		c.dispatch(s)
		return nil
	}
	if endStream {
		c.dispatch(s)
	}
	return nil
}

func (c *ServerConn) onData(id uint32, data []byte, flowLen int, endStream bool) error {
	c.mu.Lock()
	s := c.streams[id]
	c.mu.Unlock()
	if s == nil {
		if !c.known(id) {
			return protoErr("DATA on idle stream %d", id)
		}
		return nil
	}
	if s.q != nil {
		ack, ok := s.q.push(data, flowLen, endStream)
		if !ok {
			c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeFlowControl) })
			s.q.fail(volo.NewError(volo.CodeInternal, fmt.Errorf("%w: the client sent past the stream window", ErrProtocol)))
			c.onReset(id, http2.ErrCodeFlowControl)
			return nil
		}
		if ack > 0 {
			c.control(func(b []byte) []byte { return appendWindowUpdate(b, id, uint32(ack)) })
		}
		return nil
	}
	if s.dispatched {
		c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeStreamClosed) })
		return nil
	}
	s.recvLeft -= int64(flowLen)
	if s.recvLeft < 0 {
		c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeFlowControl) })
		s.freeBuf()
		c.mu.Lock()
		s.finishLocked()
		c.mu.Unlock()
		return nil
	}
	s.recvUnacked += int64(flowLen)
	if !endStream && s.recvUnacked >= int64(c.cfg.InitialWindowSize)/4 {
		incr := s.recvUnacked
		s.recvUnacked = 0
		s.recvLeft += incr
		c.control(func(b []byte) []byte { return appendWindowUpdate(b, id, uint32(incr)) })
	}
	if !s.refused && len(data) > 0 {
		if s.buf == nil {
			s.buf = codec.GetBuffer()
		}
		s.buf.B = append(s.buf.B, data...)
		s.held += int64(len(data))
		total := c.buffered.Add(int64(len(data)))
		st, bad := checkUnary(s.buf.B, c.cfg.MaxRecvMsgSize)
		if !bad && total > c.cfg.MaxConnRequestBytes {
			st, bad = grpc.Status{Code: volo.CodeResourceExhausted,
				Message: fmt.Sprintf("volo: the connection's buffered requests are over the limit (%d bytes)", c.cfg.MaxConnRequestBytes)}, true
		}
		if bad {
			s.refused = true
			s.freeBuf()
			c.refuse(id, "200", st, endStream)
			if endStream {
				c.mu.Lock()
				s.finishLocked()
				c.mu.Unlock()
			}
			return nil
		}
	}
	if endStream {
		if s.refused {
			c.mu.Lock()
			s.finishLocked()
			c.mu.Unlock()
			return nil
		}
		c.dispatch(s)
	}
	return nil
}

// checkUnary bounds the request body of a unary call as it arrives: the
// first message's length against max, before the bytes are there, and no
// byte past it.
func checkUnary(b []byte, max int) (grpc.Status, bool) {
	if len(b) < 5 {
		return grpc.Status{}, false
	}
	n := binary.BigEndian.Uint32(b[1:5])
	if uint64(n) > uint64(max) {
		return grpc.Status{Code: volo.CodeResourceExhausted,
			Message: fmt.Sprintf("volo: received message larger than max (%d vs. %d)", n, max)}, true
	}
	if len(b) > 5+int(n) {
		// A cardinality violation: UNIMPLEMENTED, as gRPC's status code
		// list has it.
		return grpc.Status{Code: volo.CodeUnimplemented, Message: "volo: more than one request message for a unary method"}, true
	}
	return grpc.Status{}, false
}

func (c *ServerConn) onReset(id uint32, code http2.ErrCode) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.streams[id]
	if s == nil {
		return
	}
	s.reset = true
	if s.cancel != nil {
		s.cancel(ErrPeerReset)
	}
	if s.q != nil {
		s.q.fail(ErrPeerReset)
	}
	if !s.dispatched {
		// The reader's goroutine: the buffer is its to free.
		s.freeBuf()
		s.finishLocked()
	}
}

func (c *ServerConn) onGoAway(uint32, http2.ErrCode, string) {
	// A client's GOAWAY says it opens no more streams; the ones open
	// finish.
}

func (c *ServerConn) dispatch(s *ServerStream) {
	c.mu.Lock()
	if s.reset || s.finished {
		c.mu.Unlock()
		return
	}
	s.dispatched = true
	c.handlers.Add(1)
	c.live.Add(1)
	c.mu.Unlock()
	go c.run(s)
}

func (c *ServerConn) run(s *ServerStream) {
	defer func() {
		c.handlers.Done()
		c.exit()
	}()
	ctx, cancel := context.WithCancelCause(c.baseCtx)
	c.mu.Lock()
	s.ctx, s.cancel = ctx, cancel
	if s.reset {
		cancel(ErrPeerReset)
	}
	select {
	case <-c.done:
		if c.closingErr != nil {
			cancel(c.closingErr)
		} else {
			cancel(ErrClosed)
		}
	default:
	}
	c.mu.Unlock()
	c.handle(s)
	c.mu.Lock()
	if !s.responded && !s.reset {
		s.responded = true
		c.mu.Unlock()
		c.control(func(b []byte) []byte { return appendRSTStream(b, s.id, http2.ErrCodeInternal) })
		c.mu.Lock()
	}
	s.finishLocked()
	c.mu.Unlock()
	cancel(nil)
}

// freeBuf returns a stream's request buffer, from the reader, before the
// stream is dispatched.
func (s *ServerStream) freeBuf() {
	if s.buf != nil {
		s.buf.Free()
		s.buf = nil
	}
	s.release()
}

// release takes the stream's buffered bytes off the connection's count.
func (s *ServerStream) release() {
	if s.held != 0 {
		s.c.buffered.Add(-s.held)
		s.held = 0
	}
}

// finishLocked forgets the stream; c.mu held.
func (s *ServerStream) finishLocked() {
	if s.finished {
		return
	}
	s.finished = true
	c := s.c
	delete(c.streams, s.id)
	c.active--
	// Until a stream is dispatched its buffer is the reader's, and this
	// may run on another goroutine (a failed write closing the
	// connection): the reader frees it then (freeBuf), or the GC does.
	if s.buf != nil && s.dispatched {
		s.buf.Free()
		s.buf = nil
		s.release()
	}
	c.resetStrikes = 0
	if c.active == 0 {
		c.idleSince = time.Now()
		if c.final {
			c.closeAfterFlush.Store(true)
			c.kickLocked()
		}
	}
}

// Context returns the stream's context: cancelled when the client resets
// the stream or the connection closes, with the reason as its cause.
func (s *ServerStream) Context() context.Context { return s.ctx }

// RemoteAddr returns the client's address.
func (s *ServerStream) RemoteAddr() string { return s.c.remote }

// Errors of Message.
var (
	ErrNoMessage = errors.New("no request message")
	ErrTruncated = errors.New("request ended inside a message")
)

// Message returns the request's one message and whether it is
// compressed. The bytes are valid until Respond returns.
func (s *ServerStream) Message() ([]byte, bool, error) {
	if s.buf == nil || len(s.buf.B) == 0 {
		return nil, false, ErrNoMessage
	}
	b := s.buf.B
	if len(b) < 5 || len(b) != 5+int(binary.BigEndian.Uint32(b[1:5])) {
		return nil, false, ErrTruncated
	}
	return b[5:], b[0] == 1, nil
}

// Response is what a handler answers.
type Response struct {
	// Header is the metadata of the response headers.
	Header grpc.Metadata
	// Metainfo holds rpc-backward-* headers, written as they are.
	Metainfo map[string][]string
	// Encoding is the response's grpc-encoding, if Msg is compressed.
	Encoding string
	// Msg is the response message with its prefix; nil for an error.
	Msg []byte
	// Status ends the call; Trailer is the metadata of the trailers.
	Status  grpc.Status
	Trailer grpc.Metadata
}

// Respond writes the response: headers, the message, trailers (or, without
// a message, trailers only). It waits for flow control up to the write
// timeout and the stream's context. It does nothing once the client
// reset the stream.
func (s *ServerStream) Respond(r *Response) error {
	c := s.c
	c.mu.Lock()
	if s.responded || s.reset {
		c.mu.Unlock()
		return nil
	}
	s.responded = true
	c.mu.Unlock()
	if r.Msg == nil {
		return s.writeTrailersOnly(r.Status, r.Header, r.Metainfo, r.Trailer)
	}
	var arr [12]hpack.HeaderField
	fs := append(arr[:0], hpack.HeaderField{Name: ":status", Value: "200"}, hpack.HeaderField{Name: "content-type", Value: "application/grpc"})
	if r.Encoding != "" {
		fs = append(fs, hpack.HeaderField{Name: "grpc-encoding", Value: r.Encoding})
	}
	fs = appendMetadata(fs, r.Header)
	fs = appendRaw(fs, r.Metainfo)

	c.wmu.Lock()
	if c.werr != nil {
		err := c.werr
		c.wmu.Unlock()
		return err
	}
	block, err := c.encodeHeadersLocked(fs)
	if err != nil {
		c.wmu.Unlock()
		return s.writeTrailersOnly(grpc.Status{Code: volo.CodeInternal, Message: "volo: " + err.Error()}, nil, nil, nil)
	}
	c.wbuf = appendHeaders(c.ensureBuf(), s.id, block, false, c.peerMaxFrame)
	rest := c.writeDataLocked(s.id, &s.sendWin, r.Msg, false)
	// Data going out forgives the client's pings: grpc-go's client sends
	// one (BDP estimation) each time a window's worth of a large
	// response arrives.
	c.dataSent.Store(true)
	for len(rest) > 0 {
		c.kickLocked()
		if err := s.waitLocked(); err != nil {
			c.wmu.Unlock()
			c.control(func(b []byte) []byte { return appendRSTStream(b, s.id, http2.ErrCodeCancel) })
			return err
		}
		rest = c.writeDataLocked(s.id, &s.sendWin, rest, false)
		c.dataSent.Store(true)
	}
	fs = appendStatus(arr[:0], r.Status)
	fs = appendMetadata(fs, r.Trailer)
	block, err = c.encodeHeadersLocked(fs)
	if err != nil {
		block, _ = c.encodeHeadersLocked(appendStatus(arr[:0], grpc.Status{Code: volo.CodeInternal, Message: "volo: " + err.Error()}))
	}
	c.wbuf = appendHeaders(c.ensureBuf(), s.id, block, true, c.peerMaxFrame)
	c.kickLocked()
	c.wmu.Unlock()
	c.dataSent.Store(true)
	return nil
}

// waitLocked waits, with c.wmu held (released while waiting), until a send
// window grows or the buffer drains; it fails when the connection closes,
// the stream's context ends, or nothing moves within the write timeout.
func (s *ServerStream) waitLocked() error {
	c := s.c
	var ch <-chan struct{}
	if len(c.wbuf) > c.cfg.WriteBufferSize {
		ch = c.waitSpaceLocked()
	} else {
		ch = c.waitWindowLocked()
	}
	c.wmu.Unlock()
	var timeout <-chan time.Time
	if c.cfg.WriteTimeout > 0 {
		t := time.NewTimer(c.cfg.WriteTimeout)
		defer t.Stop()
		timeout = t.C
	}
	var err error
	select {
	case <-ch:
	case <-c.done:
		err = c.Err()
	case <-s.ctx.Done():
		err = context.Cause(s.ctx)
	case <-timeout:
		err = fmt.Errorf("%w: the client gave no flow-control window for %v", ErrClosed, c.cfg.WriteTimeout)
	}
	c.wmu.Lock()
	if err == nil && c.werr != nil {
		err = c.werr
	}
	return err
}

// abortWrite ends a stream at once with st: trailers after the headers a
// streaming call sent already, else trailers only.
func (s *ServerStream) abortWrite(st grpc.Status) {
	c := s.c
	c.wmu.Lock()
	sent := s.hdrSent
	if sent && c.werr == nil {
		var arr [4]hpack.HeaderField
		if block, err := c.encodeHeadersLocked(appendStatus(arr[:0], st)); err == nil {
			c.wbuf = appendHeaders(c.ensureBuf(), s.id, block, true, c.peerMaxFrame)
			c.kickLocked()
		}
	}
	c.wmu.Unlock()
	if !sent {
		s.writeTrailersOnly(st, nil, nil, nil)
	}
}

// writeTrailersOnly ends a stream that sent no message, without waiting
// for flow control (HEADERS take none): with one HEADERS frame when the
// handler set no response headers, else with the headers and then the
// trailers, so that the client reads the headers as headers (grpc-go's
// client reads the metadata of a trailers-only response as trailers).
func (s *ServerStream) writeTrailersOnly(st grpc.Status, header grpc.Metadata, mi map[string][]string, trailer grpc.Metadata) error {
	c := s.c
	var arr [12]hpack.HeaderField
	fs := append(arr[:0], hpack.HeaderField{Name: ":status", Value: "200"}, hpack.HeaderField{Name: "content-type", Value: "application/grpc"})
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	if (len(header) > 0 || len(mi) > 0) && !s.hdrSent {
		hb, err := c.encodeHeadersLocked(appendRaw(appendMetadata(fs, header), mi))
		if err == nil {
			s.hdrSent = true
			c.wbuf = appendHeaders(c.ensureBuf(), s.id, hb, false, c.peerMaxFrame)
			fs = fs[:0]
		}
	}
	if !s.hdrSent {
		fs = appendMetadata(fs, header)
		fs = appendRaw(fs, mi)
	}
	fs = appendStatus(fs, st)
	fs = appendMetadata(fs, trailer)
	block, err := c.encodeHeadersLocked(fs)
	if err != nil {
		n := 2
		if s.hdrSent {
			n = 0
		}
		block, _ = c.encodeHeadersLocked(appendStatus(arr[:n], grpc.Status{Code: volo.CodeInternal, Message: "volo: " + err.Error()}))
	}
	c.wbuf = appendHeaders(c.ensureBuf(), s.id, block, true, c.peerMaxFrame)
	c.kickLocked()
	c.dataSent.Store(true)
	return nil
}
