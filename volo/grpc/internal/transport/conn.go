package transport

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// role is what differs between the server and the client side of a
// connection; conn calls it from its reader goroutine.
type role interface {
	// onHeaders gets a complete header block; tooLarge says it was over
	// the limit and fields holds only what fit.
	onHeaders(id uint32, fields []hpack.HeaderField, endStream, tooLarge bool) error
	onData(id uint32, data []byte, flowLen int, endStream bool) error
	onReset(id uint32, code http2.ErrCode)
	onGoAway(last uint32, code http2.ErrCode, debug string)
	// closed fails every stream with err; called once.
	closed(err error)
	// peerStream reports whether id names a stream the peer may have
	// opened or we opened and closed (so frames on it are late, not a
	// protocol error).
	known(id uint32) bool
}

// conn is the part of a connection both sides share: the reader loop,
// the batching writer, settings, flow control of the connection, pings,
// keepalive and the flood guard.
type conn struct {
	nc   net.Conn
	cfg  Config
	role role
	fr   *http2.Framer
	hdec *hpack.Decoder

	// Reader goroutine only.
	block        headerBlock
	connRecvLeft int64 // what the peer may still send on the connection
	connUnacked  int64 // received and not yet given back
	floodStart   time.Time
	floodCount   int
	pingStrikes  int
	lastPingRecv time.Time
	readAny      atomic.Bool // a frame arrived since the keepalive check

	wmu               sync.Mutex // guards the fields below and streams' sendWin
	wbuf              []byte
	henc              *hpack.Encoder
	hbuf              bytes.Buffer
	sendWin           int64 // connection send window
	peerInitWin       int32
	peerMaxFrame      int
	peerMaxHeaderList uint32
	peerMaxStreams    uint32
	werr              error
	winCh             chan struct{} // closed when a send window grows
	spaceCh           chan struct{} // closed when the buffer is flushed
	kick              chan struct{}
	closeAfterFlush   atomic.Bool

	pingMu      sync.Mutex
	pingPending bool // keepalive ping sent, no frame since

	done     chan struct{}
	doneOnce sync.Once
	errMu    sync.Mutex
	err      error
	wg       sync.WaitGroup // reader, flusher
	live     atomic.Int32   // reader, flusher and handlers running
	onExit   func()         // called once the last of them ends
	timer    *time.Timer
}

// headerBlock is a HEADERS frame and its CONTINUATIONs being read.
type headerBlock struct {
	id        uint32
	endStream bool
	active    bool
	fields    []hpack.HeaderField
	size      uint32
	wire      int
	tooLarge  bool
}

// wbufPool holds write buffers, so idle connections keep none.
var wbufPool = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

func (c *conn) init(nc net.Conn, cfg Config, r role) {
	c.nc, c.cfg, c.role = nc, cfg, r
	c.fr = http2.NewFramer(nil, bufio.NewReaderSize(nc, readBufferSize))
	c.fr.SetMaxReadFrameSize(cfg.MaxFrameSize)
	c.fr.SetReuseFrames()
	c.hdec = hpack.NewDecoder(4096, c.emit)
	c.hdec.SetMaxStringLength(int(cfg.MaxHeaderListSize))
	c.henc = hpack.NewEncoder(&c.hbuf)
	c.connRecvLeft = int64(cfg.InitialConnWindowSize)
	c.sendWin = 65535
	c.peerInitWin = 65535
	c.peerMaxFrame = 16 << 10
	c.peerMaxHeaderList = 1<<32 - 1
	c.peerMaxStreams = 1<<31 - 1
	c.kick = make(chan struct{}, 1)
	c.done = make(chan struct{})
}

// ourSettings are what this side sends first.
func (c *conn) ourSettings(server bool) []http2.Setting {
	ss := []http2.Setting{
		{ID: http2.SettingInitialWindowSize, Val: uint32(c.cfg.InitialWindowSize)},
		{ID: http2.SettingMaxFrameSize, Val: c.cfg.MaxFrameSize},
		{ID: http2.SettingMaxHeaderListSize, Val: c.cfg.MaxHeaderListSize},
	}
	if server {
		ss = append(ss, http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: c.cfg.MaxConcurrentStreams})
	} else {
		ss = append(ss, http2.Setting{ID: http2.SettingEnablePush, Val: 0})
	}
	return ss
}

// start writes the opening frames (after the client preface, if any) and
// starts the reader and the flusher.
func (c *conn) start(preface []byte, server bool) {
	c.wmu.Lock()
	c.wbuf = append(c.getBuf(), preface...)
	c.wbuf = appendSettings(c.wbuf, c.ourSettings(server)...)
	if d := c.cfg.InitialConnWindowSize - 65535; d > 0 {
		c.wbuf = appendWindowUpdate(c.wbuf, 0, uint32(d))
	}
	c.kickLocked()
	c.wmu.Unlock()
	if c.cfg.KeepaliveTime > 0 || c.cfg.IdleTimeout > 0 {
		c.pingMu.Lock()
		c.timer = time.AfterFunc(c.tick(), c.onTimer)
		c.pingMu.Unlock()
	}
	c.wg.Add(2)
	c.live.Add(2)
	go c.flushLoop()
	go c.readLoop()
}

func (c *conn) getBuf() []byte {
	return (*wbufPool.Get().(*[]byte))[:0]
}

func (c *conn) kickLocked() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Done is closed when the connection is closed.
func (c *conn) Done() <-chan struct{} { return c.done }

// Err returns why the connection closed, once Done is closed.
func (c *conn) Err() error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	return c.err
}

// fail closes the connection at once with err.
func (c *conn) fail(err error) {
	c.doneOnce.Do(func() {
		if err == nil {
			err = ErrClosed
		}
		c.errMu.Lock()
		c.err = err
		c.errMu.Unlock()
		c.wmu.Lock()
		if c.werr == nil {
			c.werr = err
		}
		c.wmu.Unlock()
		close(c.done)
		c.nc.Close()
		c.pingMu.Lock()
		if c.timer != nil {
			c.timer.Stop()
		}
		c.pingMu.Unlock()
		c.role.closed(err)
	})
}

// goAwayAndClose sends GOAWAY with code and debug, then closes once the
// buffer is flushed (or the write timeout passes).
func (c *conn) goAwayAndClose(last uint32, code http2.ErrCode, debug string, err error) {
	c.wmu.Lock()
	if c.werr == nil {
		c.wbuf = appendGoAway(c.ensureBuf(), last, code, debug)
		c.closeAfterFlush.Store(true)
		c.werr = err
		c.kickLocked()
		c.wmu.Unlock()
		// Bound the flush: a peer that does not read cannot keep the
		// connection.
		time.AfterFunc(time.Second, func() { c.fail(err) })
		return
	}
	c.wmu.Unlock()
	c.fail(err)
}

func (c *conn) ensureBuf() []byte {
	if c.wbuf == nil {
		c.wbuf = c.getBuf()
	}
	return c.wbuf
}

// control appends a frame answering the peer (an ack, a reset, a window
// update). It never waits; a peer that makes us queue more than
// maxControlBacklog without reading is cut off.
func (c *conn) control(f func(b []byte) []byte) {
	c.wmu.Lock()
	if c.werr != nil {
		c.wmu.Unlock()
		return
	}
	if len(c.wbuf) > c.cfg.WriteBufferSize+maxControlBacklog {
		c.wmu.Unlock()
		c.fail(fmt.Errorf("%w: the peer does not read what it asks for", ErrFlood))
		return
	}
	c.wbuf = f(c.ensureBuf())
	c.kickLocked()
	c.wmu.Unlock()
}

// exit marks one of the connection's goroutines ended.
func (c *conn) exit() {
	if c.live.Add(-1) == 0 && c.onExit != nil {
		c.onExit()
	}
}

func (c *conn) flushLoop() {
	defer c.exit()
	defer c.wg.Done()
	for {
		select {
		case <-c.kick:
		case <-c.done:
			return
		}
		c.wmu.Lock()
		b := c.wbuf
		c.wbuf = nil
		space := c.spaceCh
		c.spaceCh = nil
		c.wmu.Unlock()
		if len(b) > 0 {
			if c.cfg.WriteTimeout > 0 {
				c.nc.SetWriteDeadline(time.Now().Add(c.cfg.WriteTimeout))
			}
			_, err := c.nc.Write(b)
			if cap(b) <= 256<<10 {
				b = b[:0]
				wbufPool.Put(&b)
			}
			if err != nil {
				if space != nil {
					close(space)
				}
				c.fail(fmt.Errorf("%w: writing: %w", ErrClosed, err))
				return
			}
		}
		if space != nil {
			close(space)
		}
		c.wmu.Lock()
		shut := c.closeAfterFlush.Load() && len(c.wbuf) == 0
		c.wmu.Unlock()
		if shut {
			c.fail(c.werrOrClosed())
			return
		}
	}
}

func (c *conn) werrOrClosed() error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.werr != nil {
		return c.werr
	}
	return ErrClosed
}

// waitSpaceLocked returns, with wmu held, a channel closed when the write
// buffer has been flushed; called when the buffer is over its size.
func (c *conn) waitSpaceLocked() <-chan struct{} {
	if c.spaceCh == nil {
		c.spaceCh = make(chan struct{})
	}
	return c.spaceCh
}

// waitWindowLocked returns, with wmu held, a channel closed when a send
// window grows.
func (c *conn) waitWindowLocked() <-chan struct{} {
	if c.winCh == nil {
		c.winCh = make(chan struct{})
	}
	return c.winCh
}

func (c *conn) windowGrewLocked() {
	if c.winCh != nil {
		close(c.winCh)
		c.winCh = nil
	}
}

// encodeHeadersLocked hpack-encodes fields into c.hbuf (with wmu held)
// and returns the block, valid until the next call, or ErrTooLarge when
// the list is over the peer's MAX_HEADER_LIST_SIZE.
func (c *conn) encodeHeadersLocked(fields []hpack.HeaderField) ([]byte, error) {
	var size uint64
	for _, f := range fields {
		size += uint64(f.Size())
	}
	if size > uint64(c.peerMaxHeaderList) {
		return nil, fmt.Errorf("%w: header list of %d bytes, the peer takes %d", ErrTooLarge, size, c.peerMaxHeaderList)
	}
	c.hbuf.Reset()
	for _, f := range fields {
		c.henc.WriteField(f)
	}
	return c.hbuf.Bytes(), nil
}

// flood counts a frame that costs the peer nothing; it reports true when
// the peer is over the limit.
func (c *conn) flood() bool {
	now := time.Now()
	if now.Sub(c.floodStart) > time.Second {
		c.floodStart, c.floodCount = now, 0
	}
	c.floodCount++
	return c.floodCount > c.cfg.FloodLimit
}

// emit is the hpack decoder's callback.
func (c *conn) emit(f hpack.HeaderField) {
	b := &c.block
	b.size += f.Size()
	if b.size > c.cfg.MaxHeaderListSize {
		b.tooLarge = true
		c.hdec.SetEmitEnabled(false)
		return
	}
	b.fields = append(b.fields, f)
}

// connError is a connection error to send in GOAWAY.
type connError struct {
	code  http2.ErrCode
	err   error
	debug string // GOAWAY's debug data; the error's text if empty
}

func (e *connError) Error() string { return e.err.Error() }
func (e *connError) Unwrap() error { return e.err }

func protoErr(format string, args ...any) error {
	return &connError{code: http2.ErrCodeProtocol, err: fmt.Errorf("%w: "+format, append([]any{ErrProtocol}, args...)...)}
}

// lastPeerStream is what GOAWAY names as the last stream processed.
type lastPeerStreamer interface{ lastPeerStream() uint32 }

func (c *conn) readLoop() {
	defer c.exit()
	defer c.wg.Done()
	err := c.readFrames()
	var ce *connError
	switch {
	case errors.As(err, &ce):
		last := uint32(0)
		if l, ok := c.role.(lastPeerStreamer); ok {
			last = l.lastPeerStream()
		}
		debug := ce.debug
		if debug == "" {
			debug = ce.Error()
		}
		c.goAwayAndClose(last, ce.code, debug, err)
	case errors.Is(err, io.EOF):
		c.fail(fmt.Errorf("%w: closed by the peer", ErrClosed))
	default:
		c.fail(err)
	}
}

func (c *conn) readFrames() error {
	for {
		f, err := c.fr.ReadFrame()
		if err != nil {
			var ce http2.ConnectionError
			var se http2.StreamError
			switch {
			case errors.Is(err, http2.ErrFrameTooLarge):
				return &connError{code: http2.ErrCodeFrameSize, err: fmt.Errorf("%w: frame over %d bytes", ErrTooLarge, c.cfg.MaxFrameSize)}
			case errors.As(err, &ce):
				return &connError{code: http2.ErrCode(ce), err: fmt.Errorf("%w: %v", ErrProtocol, err)}
			case errors.As(err, &se):
				c.control(func(b []byte) []byte { return appendRSTStream(b, se.StreamID, se.Code) })
				c.role.onReset(se.StreamID, http2.ErrCodeCancel)
				continue
			}
			select {
			case <-c.done:
				return c.Err()
			default:
			}
			return fmt.Errorf("%w: reading: %w", ErrClosed, err)
		}
		c.readAny.Store(true)
		if err := c.handleFrame(f); err != nil {
			return err
		}
	}
}

func (c *conn) handleFrame(f http2.Frame) error {
	switch f := f.(type) {
	case *http2.HeadersFrame:
		b := &c.block
		*b = headerBlock{id: f.StreamID, endStream: f.StreamEnded(), active: true, fields: b.fields[:0]}
		return c.headerFragment(f.HeaderBlockFragment(), f.HeadersEnded())
	case *http2.ContinuationFrame:
		if !c.block.active || c.block.id != f.StreamID {
			return protoErr("CONTINUATION without HEADERS")
		}
		return c.headerFragment(f.HeaderBlockFragment(), f.HeadersEnded())
	case *http2.DataFrame:
		return c.data(f)
	case *http2.SettingsFrame:
		return c.settings(f)
	case *http2.PingFrame:
		return c.ping(f)
	case *http2.WindowUpdateFrame:
		return c.windowUpdate(f)
	case *http2.RSTStreamFrame:
		if c.flood() {
			return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: RST_STREAM", ErrFlood)}
		}
		c.role.onReset(f.StreamID, f.ErrCode)
	case *http2.GoAwayFrame:
		c.role.onGoAway(f.LastStreamID, f.ErrCode, string(f.DebugData()))
	case *http2.PushPromiseFrame:
		return protoErr("PUSH_PROMISE with push disabled")
	default: // PRIORITY and unknown frames
		if c.flood() {
			return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: %v", ErrFlood, f.Header().Type)}
		}
	}
	return nil
}

// headerFragment decodes one fragment of the block being read, bounded:
// a block's bytes on the wire (frame headers of empty CONTINUATIONs
// included) may not exceed twice the header list limit plus one frame.
func (c *conn) headerFragment(frag []byte, end bool) error {
	b := &c.block
	b.wire += len(frag) + 9
	if b.wire > 2*int(c.cfg.MaxHeaderListSize)+int(c.cfg.MaxFrameSize) {
		return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: header block of more than %d bytes", ErrTooLarge, b.wire)}
	}
	if _, err := c.hdec.Write(frag); err != nil {
		return &connError{code: http2.ErrCodeCompression, err: fmt.Errorf("%w: hpack: %w", ErrProtocol, err)}
	}
	if !end {
		return nil
	}
	if err := c.hdec.Close(); err != nil {
		return &connError{code: http2.ErrCodeCompression, err: fmt.Errorf("%w: hpack: %w", ErrProtocol, err)}
	}
	c.hdec.SetEmitEnabled(true)
	b.active = false
	err := c.role.onHeaders(b.id, b.fields, b.endStream, b.tooLarge)
	clear(b.fields)
	if cap(b.fields) > 64 {
		b.fields = nil
	}
	return err
}

// data does the connection's flow control of a DATA frame and hands its
// payload to the role.
func (c *conn) data(f *http2.DataFrame) error {
	n := int64(f.Header().Length)
	if n > c.connRecvLeft {
		return &connError{code: http2.ErrCodeFlowControl, err: fmt.Errorf("%w: the peer sent past the connection window", ErrProtocol)}
	}
	c.connRecvLeft -= n
	c.connUnacked += n
	if c.connUnacked >= int64(c.cfg.InitialConnWindowSize)/4 {
		incr := c.connUnacked
		c.connUnacked = 0
		c.connRecvLeft += incr
		c.control(func(b []byte) []byte { return appendWindowUpdate(b, 0, uint32(incr)) })
	}
	if n == 0 && !f.StreamEnded() && c.flood() {
		return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: empty DATA", ErrFlood)}
	}
	return c.role.onData(f.StreamID, f.Data(), int(n), f.StreamEnded())
}

func (c *conn) settings(f *http2.SettingsFrame) error {
	if f.IsAck() {
		return nil
	}
	if c.flood() {
		return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: SETTINGS", ErrFlood)}
	}
	var err error
	c.wmu.Lock()
	f.ForeachSetting(func(s http2.Setting) error {
		if verr := s.Valid(); verr != nil {
			err = &connError{code: http2.ErrCodeProtocol, err: fmt.Errorf("%w: %v", ErrProtocol, verr)}
			return err
		}
		switch s.ID {
		case http2.SettingInitialWindowSize:
			delta := int64(s.Val) - int64(c.peerInitWin)
			c.peerInitWin = int32(s.Val)
			if sw, ok := c.role.(interface{ adjustStreamWindows(int64) bool }); ok && !sw.adjustStreamWindows(delta) {
				err = &connError{code: http2.ErrCodeFlowControl, err: fmt.Errorf("%w: window over 2^31-1", ErrProtocol)}
				return err
			}
			c.windowGrewLocked()
		case http2.SettingMaxFrameSize:
			c.peerMaxFrame = int(s.Val)
		case http2.SettingHeaderTableSize:
			c.henc.SetMaxDynamicTableSizeLimit(min(s.Val, 4096))
		case http2.SettingMaxHeaderListSize:
			c.peerMaxHeaderList = s.Val
		case http2.SettingMaxConcurrentStreams:
			c.peerMaxStreams = s.Val
		}
		return nil
	})
	c.wmu.Unlock()
	if err != nil {
		return err
	}
	if s, ok := c.role.(interface{ settingsChanged() }); ok {
		s.settingsChanged()
	}
	c.control(appendSettingsAck)
	return nil
}

// drainPing is the payload of the ping a draining server sends between
// its two GOAWAYs.
var drainPing = [8]byte{'d', 'r', 'a', 'i', 'n', 'v', 'o', 'l'}

func (c *conn) ping(f *http2.PingFrame) error {
	if f.IsAck() {
		if f.Data == drainPing {
			if d, ok := c.role.(interface{ drainAcked() }); ok {
				d.drainAcked()
			}
		}
		return nil
	}
	if c.flood() {
		return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: PING", ErrFlood)}
	}
	if e, ok := c.role.(interface{ pingAllowed(now time.Time) bool }); ok && !e.pingAllowed(time.Now()) {
		return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: pings more often than allowed", ErrFlood), debug: "too_many_pings"}
	}
	data := f.Data
	c.control(func(b []byte) []byte { return appendPing(b, true, data) })
	return nil
}

func (c *conn) windowUpdate(f *http2.WindowUpdateFrame) error {
	if f.StreamID == 0 {
		c.wmu.Lock()
		c.sendWin += int64(f.Increment)
		over := c.sendWin > 1<<31-1
		c.windowGrewLocked()
		c.wmu.Unlock()
		if over {
			return &connError{code: http2.ErrCodeFlowControl, err: fmt.Errorf("%w: connection window over 2^31-1", ErrProtocol)}
		}
		return nil
	}
	sw, ok := c.role.(interface {
		streamWindow(id, incr uint32) (found, ok bool)
	})
	if !ok {
		return nil
	}
	found, fine := sw.streamWindow(f.StreamID, f.Increment)
	if !found {
		if !c.role.known(f.StreamID) {
			return protoErr("WINDOW_UPDATE on idle stream %d", f.StreamID)
		}
		if c.flood() {
			return &connError{code: http2.ErrCodeEnhanceYourCalm, err: fmt.Errorf("%w: WINDOW_UPDATE", ErrFlood)}
		}
		return nil
	}
	if !fine {
		c.control(func(b []byte) []byte { return appendRSTStream(b, f.StreamID, http2.ErrCodeFlowControl) })
		c.role.onReset(f.StreamID, http2.ErrCodeFlowControl)
	}
	return nil
}

// tick is how often the keepalive and idle timer fires.
func (c *conn) tick() time.Duration {
	d := time.Duration(1<<63 - 1)
	if c.cfg.KeepaliveTime > 0 {
		d = c.cfg.KeepaliveTime
	}
	if c.cfg.IdleTimeout > 0 && c.cfg.IdleTimeout < d {
		d = c.cfg.IdleTimeout
	}
	return d
}

// onTimer does keepalive: a ping after a quiet period, the connection
// closed when the ping gets no answer (no frame at all) in time; and the
// role's idle check.
func (c *conn) onTimer() {
	select {
	case <-c.done:
		return
	default:
	}
	next := c.tick()
	if idle, ok := c.role.(interface{ idleCheck() bool }); ok && c.cfg.IdleTimeout > 0 && idle.idleCheck() {
		return
	}
	if c.cfg.KeepaliveTime > 0 {
		read := c.readAny.Swap(false)
		c.pingMu.Lock()
		pending := c.pingPending
		send := false
		switch {
		case read:
			c.pingPending = false
		case pending:
		default:
			if a, ok := c.role.(interface{ mayPing() bool }); !ok || a.mayPing() {
				c.pingPending, send = true, true
			}
		}
		c.pingMu.Unlock()
		if pending && !read {
			c.fail(ErrKeepalive)
			return
		}
		if send {
			c.control(func(b []byte) []byte { return appendPing(b, false, [8]byte{'k', 'e', 'e', 'p'}) })
			if c.cfg.KeepaliveTimeout > 0 {
				next = c.cfg.KeepaliveTimeout
			}
		}
	}
	c.pingMu.Lock()
	select {
	case <-c.done:
	default:
		c.timer.Reset(next)
	}
	c.pingMu.Unlock()
}

// writeDataLocked appends as much of data as the windows allow, in frames
// of the peer's size, to stream id whose window is *win. It returns what
// is left; endStream is set on the last frame if nothing is left. wmu held.
func (c *conn) writeDataLocked(id uint32, win *int64, data []byte, endStream bool) []byte {
	for {
		n := int64(len(data))
		n = min(n, c.sendWin, *win, int64(c.peerMaxFrame))
		if n <= 0 && len(data) > 0 {
			return data
		}
		end := endStream && int(n) == len(data)
		c.wbuf = appendData(c.ensureBuf(), id, data[:n], end)
		c.sendWin -= n
		*win -= n
		data = data[n:]
		if len(data) == 0 {
			return nil
		}
	}
}

// windowed is a stream of either side, with a send window that the
// connection's wmu guards.
type windowed interface {
	comparable
	window() *int64
}

// adjustStreamWindows adds delta to the send window of every stream in
// streams (which mu guards), as a change of the peer's
// SETTINGS_INITIAL_WINDOW_SIZE asks. It reports false when a window would
// pass 2^31-1, a flow-control error.
func adjustStreamWindows[S windowed](mu *sync.Mutex, streams map[uint32]S, delta int64) bool {
	mu.Lock()
	defer mu.Unlock()
	for _, s := range streams {
		w := s.window()
		*w += delta
		if *w > 1<<31-1 {
			return false
		}
	}
	return true
}

// growStreamWindow adds incr to the send window of stream id in streams
// (which mu guards), as the peer's WINDOW_UPDATE asks, and wakes the
// writers of c waiting for window. found is false when the stream is no
// longer open; ok is false when the window would pass 2^31-1.
func growStreamWindow[S windowed](c *conn, mu *sync.Mutex, streams map[uint32]S, id, incr uint32) (found, ok bool) {
	mu.Lock()
	s := streams[id]
	mu.Unlock()
	var none S
	if s == none {
		return false, true
	}
	c.wmu.Lock()
	w := s.window()
	*w += int64(incr)
	ok = *w <= 1<<31-1
	c.windowGrewLocked()
	c.wmu.Unlock()
	return true, ok
}
