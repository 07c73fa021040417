package transport

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/internal/codec"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// ClientConn is the client side of one HTTP/2 connection; calls share it,
// each on a stream of its own.
type ClientConn struct {
	conn

	mu       sync.Mutex
	streams  map[uint32]*clientStream
	active   int
	nextID   uint32 // under wmu
	goAway   bool
	lastOK   uint32 // GOAWAY's last stream id
	slotCh   chan struct{}
	closeErr error
}

type clientStream struct {
	id       uint32
	q        *recvQueue    // a streaming call's responses
	hdrCh    chan struct{} // streaming: closed when the headers came or the stream ended
	hdrDone  bool          // under c.mu
	stop     func() bool   // stops the context's watcher
	sendWin  int64         // under c.wmu
	recvLeft int64         // reader only
	unacked  int64
	resp     *Response2
	headers  bool
	done     chan struct{}
	err      error
	finished bool // under c.mu
	drain    bool // the reader's: finish lets the messages before its error be read
	// rmu is held by the reader while a frame of this stream writes to
	// resp; gone, under rmu, tells the reader the caller has left, so
	// the response is no longer the reader's to write.
	rmu  sync.Mutex
	gone bool
}

// testHookStreamFrame, when set by a test, runs in attach: in the reader,
// between finding a frame's stream and writing to its response.
var testHookStreamFrame func()

// detach takes the response back from the reader: once it returns, the
// reader no longer writes to s.resp, so a caller that gave up can read
// and release it.
func (s *clientStream) detach() {
	s.rmu.Lock()
	s.gone = true
	s.rmu.Unlock()
}

// attach is the reader's side of detach: it reports whether the stream's
// response is still the reader's to write, and if so holds rmu, which the
// caller releases.
func (s *clientStream) attach() bool {
	if testHookStreamFrame != nil {
		testHookStreamFrame()
	}
	s.rmu.Lock()
	if s.gone {
		s.rmu.Unlock()
		return false
	}
	return true
}

// window returns the stream's send window, which the connection's wmu guards.
func (s *clientStream) window() *int64 { return &s.sendWin }

// Request is one unary call.
type Request struct {
	Path      string
	Authority string
	Scheme    string
	UserAgent string
	// Timeout is sent as grpc-timeout when HasTimeout.
	Timeout    string
	Encoding   string
	AcceptEnc  string
	Metadata   grpc.Metadata
	Metainfo   map[string][]string
	Msg        []byte // with its prefix
	MaxRecvMsg int
}

// Response2 is what the server answered.
type Response2 struct {
	Header, Trailer grpc.Metadata
	Metainfo        map[string][]string
	Encoding        string
	Status          grpc.Status
	// Headed reports whether the response headers came in a HEADERS frame
	// of their own, not in a trailers-only response.
	Headed bool
	buf    *codec.Buffer
	max    int
}

// Message returns the response's one message and whether it is compressed;
// ok is false if there is none. The bytes are valid until Release.
func (r *Response2) Message() (msg []byte, compressed bool, err error) {
	if r.buf == nil || len(r.buf.B) == 0 {
		return nil, false, nil
	}
	b := r.buf.B
	if len(b) < 5 {
		return nil, false, fmt.Errorf("%w: response ended inside a message prefix", ErrProtocol)
	}
	n := int(uint32(b[1])<<24 | uint32(b[2])<<16 | uint32(b[3])<<8 | uint32(b[4]))
	if len(b) != 5+n {
		return nil, false, fmt.Errorf("%w: response of %d bytes for a message of %d", ErrProtocol, len(b)-5, n)
	}
	return b[5:], b[0] == 1, nil
}

// Release returns the response's buffer.
func (r *Response2) Release() {
	if r.buf != nil {
		r.buf.Free()
		r.buf = nil
	}
}

// NewClientConn starts the client side on nc: the preface and settings are
// written, the reader and writer started.
func NewClientConn(nc net.Conn, cfg Config) *ClientConn {
	c := &ClientConn{streams: make(map[uint32]*clientStream), nextID: 1}
	c.init(nc, cfg, c)
	c.start([]byte(http2.ClientPreface), false)
	return c
}

func (c *ClientConn) known(id uint32) bool { return id&1 == 1 && id < c.maxSeenID() }

func (c *ClientConn) maxSeenID() uint32 {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.nextID
}

// Usable reports whether new calls may start on the connection.
func (c *ClientConn) Usable() bool {
	select {
	case <-c.done:
		return false
	default:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.goAway
}

// Load returns the streams in flight and the most the server allows.
func (c *ClientConn) Load() (active int, limit uint32) {
	c.mu.Lock()
	active = c.active
	c.mu.Unlock()
	c.wmu.Lock()
	limit = c.peerMaxStreams
	c.wmu.Unlock()
	return active, limit
}

// Close closes the connection; calls in flight fail.
func (c *ClientConn) Close() {
	c.fail(ErrClosed)
	c.wg.Wait()
}

// GoAway tells the server no more streams come, and closes once the calls
// in flight end.
func (c *ClientConn) GoAway() {
	c.mu.Lock()
	c.goAway = true
	idle := c.active == 0
	c.mu.Unlock()
	if idle {
		c.goAwayAndClose(0, http2.ErrCodeNo, "", ErrClosed)
	}
}

func (c *ClientConn) settingsChanged() {
	c.mu.Lock()
	c.wakeSlotsLocked()
	c.mu.Unlock()
}

func (c *ClientConn) wakeSlotsLocked() {
	if c.slotCh != nil {
		close(c.slotCh)
		c.slotCh = nil
	}
}

func (c *ClientConn) mayPing() bool {
	if c.cfg.PermitWithoutStream {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active > 0
}

func (c *ClientConn) adjustStreamWindows(delta int64) bool {
	return adjustStreamWindows(&c.mu, c.streams, delta)
}

func (c *ClientConn) streamWindow(id, incr uint32) (found, ok bool) {
	return growStreamWindow(&c.conn, &c.mu, c.streams, id, incr)
}

// acquire takes a stream slot, waiting while the server's
// MAX_CONCURRENT_STREAMS are in use.
func (c *ClientConn) acquire(ctx context.Context) error {
	for {
		// wmu before mu, never inside it: the reader takes mu with wmu
		// held (SETTINGS adjusting stream windows), and so does RoundTrip.
		c.wmu.Lock()
		limit := c.peerMaxStreams
		c.wmu.Unlock()
		c.mu.Lock()
		if err := c.closeErr; err != nil {
			c.mu.Unlock()
			return fmt.Errorf("%w: %w", ErrNotSent, err)
		}
		if c.goAway {
			c.mu.Unlock()
			return fmt.Errorf("%w: %w", ErrNotSent, ErrGoAway)
		}
		if uint32(c.active) < limit {
			c.active++
			c.mu.Unlock()
			return nil
		}
		if c.slotCh == nil {
			c.slotCh = make(chan struct{})
		}
		ch := c.slotCh
		c.mu.Unlock()
		select {
		case <-ch:
		case <-c.done:
		case <-ctx.Done():
			return fmt.Errorf("%w: %w", ErrNotSent, context.Cause(ctx))
		}
	}
}

func (c *ClientConn) release(s *clientStream) {
	c.mu.Lock()
	if s != nil {
		if s.finished {
			c.mu.Unlock()
			return
		}
		s.finished = true
		delete(c.streams, s.id)
	}
	c.active--
	c.wakeSlotsLocked()
	closeNow := c.goAway && c.active == 0
	c.mu.Unlock()
	if closeNow && !c.isDone() {
		// Not while the connection is closing: closed runs inside fail,
		// which must not be entered again.
		c.goAwayAndClose(0, http2.ErrCodeNo, "", fmt.Errorf("%w: drained", ErrClosed))
	}
}

// RoundTrip sends req and waits for the response. An error wrapping
// ErrNotSent means no byte of the request was sent.
func (c *ClientConn) RoundTrip(ctx context.Context, req *Request, resp *Response2) error {
	if err := c.acquire(ctx); err != nil {
		return err
	}
	var arr [16]hpack.HeaderField
	fs := requestFields(arr[:0], req)

	s := &clientStream{resp: resp, done: make(chan struct{}), recvLeft: int64(c.cfg.InitialWindowSize)}
	resp.max = req.MaxRecvMsg
	c.wmu.Lock()
	if err := c.openLocked(s, fs); err != nil {
		c.wmu.Unlock()
		c.release(nil)
		return err
	}
	rest := c.writeDataLocked(s.id, &s.sendWin, req.Msg, true)
	c.kickLocked()
	for len(rest) > 0 {
		var ch <-chan struct{}
		if len(c.wbuf) > c.cfg.WriteBufferSize {
			ch = c.waitSpaceLocked()
		} else {
			ch = c.waitWindowLocked()
		}
		c.wmu.Unlock()
		select {
		case <-ch:
		case <-s.done:
			c.release(s)
			return s.err
		case <-ctx.Done():
			c.cancelStream(s)
			return context.Cause(ctx)
		}
		c.wmu.Lock()
		if c.werr != nil {
			c.wmu.Unlock()
			<-s.done
			return s.err
		}
		rest = c.writeDataLocked(s.id, &s.sendWin, rest, true)
		c.kickLocked()
	}
	c.wmu.Unlock()
	select {
	case <-s.done:
		return s.err
	case <-ctx.Done():
		c.cancelStream(s)
		return context.Cause(ctx)
	}
}

// openLocked gives s its id and writes its HEADERS; wmu held. On failure
// the caller, with wmu released, frees the slot; the error wraps
// ErrNotSent.
func (c *ClientConn) openLocked(s *clientStream, fs []hpack.HeaderField) error {
	if c.werr != nil {
		return fmt.Errorf("%w: %w", ErrNotSent, c.werr)
	}
	block, err := c.encodeHeadersLocked(fs)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	if c.nextID > 1<<31-1 {
		go c.GoAway()
		return fmt.Errorf("%w: stream ids used up", ErrNotSent)
	}
	s.id = c.nextID
	c.nextID += 2
	s.sendWin = int64(c.peerInitWin)
	c.mu.Lock()
	c.streams[s.id] = s
	c.mu.Unlock()
	c.wbuf = appendHeaders(c.ensureBuf(), s.id, block, false, c.peerMaxFrame)
	return nil
}

// requestFields appends the header fields of req.
func requestFields(fs []hpack.HeaderField, req *Request) []hpack.HeaderField {
	fs = append(fs,
		hpack.HeaderField{Name: ":method", Value: "POST"},
		hpack.HeaderField{Name: ":scheme", Value: req.Scheme},
		hpack.HeaderField{Name: ":path", Value: req.Path},
		hpack.HeaderField{Name: ":authority", Value: req.Authority},
		hpack.HeaderField{Name: "content-type", Value: "application/grpc"},
		hpack.HeaderField{Name: "te", Value: "trailers"},
	)
	if req.UserAgent != "" {
		fs = append(fs, hpack.HeaderField{Name: "user-agent", Value: req.UserAgent})
	}
	if req.Timeout != "" {
		fs = append(fs, hpack.HeaderField{Name: "grpc-timeout", Value: req.Timeout})
	}
	if req.Encoding != "" {
		fs = append(fs, hpack.HeaderField{Name: "grpc-encoding", Value: req.Encoding})
	}
	if req.AcceptEnc != "" {
		fs = append(fs, hpack.HeaderField{Name: "grpc-accept-encoding", Value: req.AcceptEnc})
	}
	fs = appendMetadata(fs, req.Metadata)
	return appendRaw(fs, req.Metainfo)
}

// cancelStream resets a stream the caller gave up on.
func (c *ClientConn) cancelStream(s *clientStream) {
	s.detach()
	c.mu.Lock()
	fin := s.finished
	c.mu.Unlock()
	if fin {
		return
	}
	c.control(func(b []byte) []byte { return appendRSTStream(b, s.id, http2.ErrCodeCancel) })
	c.release(s)
}

// finish ends a stream with err (nil: the response is complete), from the
// reader.
func (c *ClientConn) finish(s *clientStream, err error) {
	c.mu.Lock()
	if s.finished {
		c.mu.Unlock()
		return
	}
	s.finished = true
	delete(c.streams, s.id)
	c.active--
	c.wakeSlotsLocked()
	closeNow := c.goAway && c.active == 0
	if s.hdrCh != nil && !s.hdrDone {
		s.hdrDone = true
		close(s.hdrCh)
	}
	stop := s.stop
	c.mu.Unlock()
	s.err = err
	if s.q != nil {
		if err != nil && s.drain {
			s.q.endWith(err)
		} else if err != nil {
			s.q.fail(err)
		} else {
			s.q.push(nil, 0, true)
		}
		if stop != nil {
			stop()
		}
	}
	close(s.done)
	if closeNow && !c.isDone() {
		// Not while the connection is closing: closed runs inside fail,
		// which must not be entered again.
		c.goAwayAndClose(0, http2.ErrCodeNo, "", fmt.Errorf("%w: drained", ErrClosed))
	}
}

func (c *ClientConn) isDone() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

func (c *ClientConn) stream(id uint32) *clientStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams[id]
}

func (c *ClientConn) onHeaders(id uint32, fields []hpack.HeaderField, endStream, tooLarge bool) error {
	s := c.stream(id)
	if s == nil {
		if !c.known(id) {
			return protoErr("HEADERS on stream %d the client did not open", id)
		}
		return nil
	}
	if !s.attach() {
		return nil
	}
	defer s.rmu.Unlock()
	r := s.resp
	if tooLarge {
		c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeCancel) })
		c.finish(s, volo.NewError(volo.CodeInternal, fmt.Errorf("%w: response header list over %d bytes", ErrTooLarge, c.cfg.MaxHeaderListSize)))
		return nil
	}
	trailers := s.headers
	if trailers && !endStream {
		c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeProtocol) })
		c.finish(s, volo.NewError(volo.CodeInternal, fmt.Errorf("%w: trailers without END_STREAM", ErrProtocol)))
		return nil
	}
	s.headers = true
	httpStatus, ct, gotStatus := "", "", false
	var code uint32
	md := &r.Header
	if trailers {
		md = &r.Trailer
	}
	for _, f := range fields {
		switch f.Name {
		case ":status":
			httpStatus = f.Value
		case "content-type":
			ct = f.Value
		case "grpc-encoding":
			r.Encoding = f.Value
		case "grpc-status":
			v, ok := parseCode(f.Value)
			if !ok {
				c.finish(s, volo.NewError(volo.CodeInternal, fmt.Errorf("%w: malformed grpc-status %q", ErrProtocol, f.Value)))
				return nil
			}
			code, gotStatus = v, true
		case "grpc-message":
			r.Status.Message = grpc.DecodeMessage(f.Value)
		case "grpc-status-details-bin":
			if st, err := grpc.DecodeDetails(f.Value); err == nil {
				r.Status.Details = st.Details
			}
		default:
			if len(f.Name) > 0 && f.Name[0] == ':' {
				continue
			}
			if err := addField(md, &r.Metainfo, f.Name, f.Value); err != nil {
				c.finish(s, volo.NewError(volo.CodeInternal, err))
				return nil
			}
		}
	}
	if !trailers {
		if httpStatus != "200" {
			n, _ := strconv.Atoi(httpStatus)
			c.finish(s, volo.NewRemoteError(httpCode(n), fmt.Sprintf("unexpected HTTP status %s", httpStatus)))
			return nil
		}
		if !grpcContentType(ct) {
			c.finish(s, volo.NewRemoteError(volo.CodeUnknown, "unexpected content-type "+strconv.Quote(ct)))
			return nil
		}
	}
	if !endStream {
		if !trailers {
			r.Headed = true
		}
		if s.hdrCh != nil {
			c.mu.Lock()
			if !s.hdrDone {
				s.hdrDone = true
				close(s.hdrCh)
			}
			c.mu.Unlock()
		}
		return nil
	}
	if !gotStatus {
		s.drain = true
		c.finish(s, volo.NewRemoteError(volo.CodeInternal, "the server ended the stream without grpc-status"))
		return nil
	}
	if !trailers {
		// Trailers only: what the header block carried is trailer metadata.
		r.Trailer, r.Header = r.Header, nil
	}
	r.Status.Code = volo.Code(code)
	c.finish(s, nil)
	return nil
}

// httpCode maps an HTTP status other than 200 to a code, as the gRPC
// spec's table does.
func httpCode(status int) volo.Code {
	switch status {
	case 400:
		return volo.CodeInternal
	case 401:
		return volo.CodeUnauthenticated
	case 403:
		return volo.CodePermissionDenied
	case 404:
		return volo.CodeUnimplemented
	case 429, 502, 503, 504:
		return volo.CodeUnavailable
	}
	return volo.CodeUnknown
}

func (c *ClientConn) onData(id uint32, data []byte, flowLen int, endStream bool) error {
	s := c.stream(id)
	if s == nil {
		if !c.known(id) {
			return protoErr("DATA on stream %d the client did not open", id)
		}
		return nil
	}
	if !s.attach() {
		return nil
	}
	defer s.rmu.Unlock()
	if !s.headers {
		c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeProtocol) })
		c.finish(s, volo.NewError(volo.CodeInternal, fmt.Errorf("%w: DATA before HEADERS", ErrProtocol)))
		return nil
	}
	if s.q != nil {
		ack, ok := s.q.push(data, flowLen, false)
		if !ok {
			c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeFlowControl) })
			c.finish(s, volo.NewError(volo.CodeInternal, fmt.Errorf("%w: the server sent past the stream window", ErrProtocol)))
			return nil
		}
		if ack > 0 {
			c.control(func(b []byte) []byte { return appendWindowUpdate(b, id, uint32(ack)) })
		}
		if endStream {
			s.drain = true
			c.finish(s, volo.NewRemoteError(volo.CodeInternal, "the server ended the stream without trailers"))
		}
		return nil
	}
	s.recvLeft -= int64(flowLen)
	if s.recvLeft < 0 {
		c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeFlowControl) })
		c.finish(s, volo.NewError(volo.CodeInternal, fmt.Errorf("%w: the server sent past the stream window", ErrProtocol)))
		return nil
	}
	s.unacked += int64(flowLen)
	if !endStream && s.unacked >= int64(c.cfg.InitialWindowSize)/4 {
		incr := s.unacked
		s.unacked = 0
		s.recvLeft += incr
		c.control(func(b []byte) []byte { return appendWindowUpdate(b, id, uint32(incr)) })
	}
	r := s.resp
	if len(data) > 0 {
		if r.buf == nil {
			r.buf = codec.GetBuffer()
		}
		r.buf.B = append(r.buf.B, data...)
		if len(r.buf.B) >= 5 {
			n := uint64(r.buf.B[1])<<24 | uint64(r.buf.B[2])<<16 | uint64(r.buf.B[3])<<8 | uint64(r.buf.B[4])
			switch {
			case n > uint64(r.max):
				c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeCancel) })
				c.finish(s, volo.NewError(volo.CodeResourceExhausted,
					fmt.Errorf("%w: received message larger than max (%d vs. %d)", ErrTooLarge, n, r.max)))
				return nil
			case uint64(len(r.buf.B)) > 5+n:
				c.control(func(b []byte) []byte { return appendRSTStream(b, id, http2.ErrCodeCancel) })
				c.finish(s, volo.NewError(volo.CodeUnimplemented, fmt.Errorf("%w: more than one response message for a unary method", ErrProtocol)))
				return nil
			}
		}
	}
	if endStream {
		c.finish(s, volo.NewRemoteError(volo.CodeInternal, "the server ended the stream without trailers"))
	}
	return nil
}

func (c *ClientConn) onReset(id uint32, code http2.ErrCode) {
	s := c.stream(id)
	if s == nil {
		return
	}
	var err error
	switch code {
	case http2.ErrCodeRefusedStream:
		err = fmt.Errorf("%w: %w: the server refused the stream", ErrNotSent, ErrReset)
	case http2.ErrCodeCancel:
		err = volo.NewRemoteError(volo.CodeCanceled, "stream reset by the server")
	case http2.ErrCodeEnhanceYourCalm:
		err = volo.NewRemoteError(volo.CodeResourceExhausted, "stream reset by the server: enhance your calm")
	case http2.ErrCodeInadequateSecurity:
		err = volo.NewRemoteError(volo.CodePermissionDenied, "stream reset by the server: inadequate security")
	default:
		err = volo.NewRemoteError(volo.CodeInternal, "stream reset by the server: "+code.String())
	}
	c.finish(s, err)
}

func (c *ClientConn) onGoAway(last uint32, code http2.ErrCode, debug string) {
	c.mu.Lock()
	c.goAway = true
	c.lastOK = last
	var late []*clientStream
	for id, s := range c.streams {
		if id > last {
			late = append(late, s)
		}
	}
	idle := c.active == len(late)
	c.mu.Unlock()
	for _, s := range late {
		c.finish(s, fmt.Errorf("%w: %w (%s %s)", ErrNotSent, ErrGoAway, code, debug))
	}
	if idle {
		c.goAwayAndClose(0, http2.ErrCodeNo, "", fmt.Errorf("%w: %w", ErrClosed, ErrGoAway))
	}
}

func (c *ClientConn) closed(err error) {
	c.mu.Lock()
	c.closeErr = err
	ss := make([]*clientStream, 0, len(c.streams))
	for _, s := range c.streams {
		ss = append(ss, s)
	}
	c.wakeSlotsLocked()
	c.mu.Unlock()
	for _, s := range ss {
		c.finish(s, err)
	}
}
