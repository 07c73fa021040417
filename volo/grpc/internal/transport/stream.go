package transport

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// recvQueue holds the bytes a streaming call received and not yet read,
// and does the stream's receive flow control: window goes back to the
// peer as the reader consumes, so unread bytes stay within the stream
// window (or, while one message larger than the window is arriving, that
// message's size, itself bounded by max before its bytes come).
type recvQueue struct {
	mu      sync.Mutex
	ready   chan struct{} // one token: the state changed
	buf     []byte
	off     int
	end     bool  // the peer ended its side
	endErr  error // with end: what follows the last message instead of io.EOF
	err     error // the stream failed
	left    int64 // what the peer may still send
	pending int64 // consumed or admitted, not yet given back
	window  int64
	max     int
}

func newRecvQueue(window int32, max int) *recvQueue {
	return &recvQueue{ready: make(chan struct{}, 1), left: int64(window), window: int64(window), max: max}
}

func (q *recvQueue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// need returns the bytes the message at the head of the queue takes, 0 if
// its prefix is not all there.
func (q *recvQueue) needLocked() int64 {
	b := q.buf[q.off:]
	if len(b) < 5 {
		return 0
	}
	return 5 + int64(binary.BigEndian.Uint32(b[1:5]))
}

// ackLocked returns the window to give back now, if any. What this side
// holds for the peer (unread bytes, what the peer may still send, and
// what was consumed but not given back) is kept at the stream window, or,
// while a larger message is arriving, at that message's size.
func (q *recvQueue) ackLocked() int64 {
	unread := int64(len(q.buf) - q.off)
	capacity := q.window
	need := q.needLocked()
	if need > capacity && need <= int64(q.max)+5 {
		capacity = need
	}
	if total := unread + q.left + q.pending; total > capacity {
		q.pending -= min(q.pending, total-capacity)
	} else {
		q.pending += capacity - total
	}
	if q.pending == 0 || q.pending < q.window/4 && (need == 0 || unread+q.left >= need) {
		return 0
	}
	ack := q.pending
	q.pending = 0
	q.left += ack
	return ack
}

// push adds a DATA frame's payload, from the reader. It returns the
// window to give back, and false if the peer sent past the window.
func (q *recvQueue) push(data []byte, flowLen int, end bool) (int64, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.left -= int64(flowLen)
	if q.left < 0 {
		return 0, false
	}
	if q.err == nil && !q.end {
		q.buf = append(q.buf, data...)
		// Padding is flow-controlled but never read: give it back at once.
		q.pending += int64(flowLen - len(data))
	}
	if end {
		q.end = true
	}
	q.signal()
	return q.ackLocked(), true
}

// fail ends the queue with err; readers get it once the bytes before are
// read (a reset drops them: see abort).
func (q *recvQueue) fail(err error) {
	q.mu.Lock()
	if q.err == nil {
		q.err = err
	}
	q.mu.Unlock()
	q.signal()
}

// endWith ends the queue with err after the messages before it: the peer
// ended the stream badly, but what it sent before stays readable.
func (q *recvQueue) endWith(err error) {
	q.mu.Lock()
	if q.err == nil && !q.end {
		q.end, q.endErr = true, err
	}
	q.mu.Unlock()
	q.signal()
}

// next returns the next message, valid until the next call, waiting for it until done or
// ctx ends; giveBack sends the window to return. It returns io.EOF when
// the peer ended its side after the last message.
func (q *recvQueue) next(ctx context.Context, done <-chan struct{}, giveBack func(int64)) (msg []byte, compressed bool, err error) {
	for {
		q.mu.Lock()
		// The message returned last is read by now: its bytes may go.
		if q.off > 0 && q.off == len(q.buf) {
			q.buf, q.off = q.buf[:0], 0
		} else if q.off > 0 && q.off >= len(q.buf)/2 {
			q.buf = append(q.buf[:0], q.buf[q.off:]...)
			q.off = 0
		}
		if q.err != nil {
			err := q.err
			q.mu.Unlock()
			return nil, false, err
		}
		b := q.buf[q.off:]
		if len(b) >= 5 {
			n := binary.BigEndian.Uint32(b[1:5])
			if uint64(n) > uint64(q.max) {
				q.err = volo.NewError(volo.CodeResourceExhausted, fmt.Errorf("%w: received message larger than max (%d vs. %d)", ErrTooLarge, n, q.max))
				err := q.err
				q.mu.Unlock()
				return nil, false, err
			}
			if len(b) >= 5+int(n) {
				if b[0] > 1 {
					q.err = volo.NewError(volo.CodeInternal, fmt.Errorf("%w: message flag %d", ErrProtocol, b[0]))
					err := q.err
					q.mu.Unlock()
					return nil, false, err
				}
				// The reader only appends past len(q.buf), and the bytes
				// before q.off move only in the next call: msg stays put
				// until then.
				msg = b[5 : 5+int(n) : 5+int(n)]
				compressed = b[0] == 1
				q.off += 5 + int(n)
				q.pending += 5 + int64(n)
				ack := q.ackLocked()
				q.mu.Unlock()
				if ack > 0 {
					giveBack(ack)
				}
				return msg, compressed, nil
			}
		}
		if q.end {
			trailing := len(b)
			q.mu.Unlock()
			if trailing > 0 {
				return nil, false, volo.NewError(volo.CodeInternal, fmt.Errorf("%w: the stream ended inside a message", ErrProtocol))
			}
			if q.endErr != nil {
				return nil, false, q.endErr
			}
			return nil, false, io.EOF
		}
		ack := q.ackLocked()
		q.mu.Unlock()
		if ack > 0 {
			giveBack(ack)
		}
		select {
		case <-q.ready:
		case <-done:
			q.fail(ErrClosed)
		case <-ctx.Done():
			return nil, false, context.Cause(ctx)
		}
	}
}

// Streaming on the server side: the handler runs from the request's
// HEADERS, receives with Recv and sends with SendHeader, SendMsg and
// Finish.

// Streaming reports whether the stream is a streaming call's.
func (s *ServerStream) Streaming() bool { return s.q != nil }

// Recv returns the next request message (valid until the next Recv) and
// whether it is compressed; io.EOF once the client ended its side.
func (s *ServerStream) Recv(ctx context.Context) ([]byte, bool, error) {
	c := s.c
	return s.q.next(ctx, c.done, func(n int64) {
		c.control(func(b []byte) []byte { return appendWindowUpdate(b, s.id, uint32(n)) })
	})
}

// SendHeader writes the response headers now, unless they are written
// already (then it does nothing and returns false).
func (s *ServerStream) SendHeader(h *Response) (bool, error) {
	c := s.c
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return s.sendHeaderLocked(h)
}

func (s *ServerStream) sendHeaderLocked(h *Response) (bool, error) {
	c := s.c
	if s.hdrSent {
		return false, nil
	}
	if c.werr != nil {
		return false, c.werr
	}
	var arr [12]hpack.HeaderField
	fs := append(arr[:0], hpack.HeaderField{Name: ":status", Value: "200"}, hpack.HeaderField{Name: "content-type", Value: "application/grpc"})
	if h.Encoding != "" {
		fs = append(fs, hpack.HeaderField{Name: "grpc-encoding", Value: h.Encoding})
	}
	fs = appendMetadata(fs, h.Header)
	fs = appendRaw(fs, h.Metainfo)
	block, err := c.encodeHeadersLocked(fs)
	if err != nil {
		return false, err
	}
	s.hdrSent = true
	c.wbuf = appendHeaders(c.ensureBuf(), s.id, block, false, c.peerMaxFrame)
	c.kickLocked()
	c.dataSent.Store(true)
	return true, nil
}

// SendMsg writes one message (prefix included), the headers of h first if
// they are not written yet, waiting for flow control up to the write
// timeout and the stream's context.
func (s *ServerStream) SendMsg(h *Response, msg []byte) error {
	c := s.c
	c.mu.Lock()
	gone := s.reset || s.responded
	c.mu.Unlock()
	if gone {
		return fmt.Errorf("%w: the call is over", ErrReset)
	}
	c.wmu.Lock()
	if _, err := s.sendHeaderLocked(h); err != nil {
		c.wmu.Unlock()
		return err
	}
	rest := c.writeDataLocked(s.id, &s.sendWin, msg, false)
	c.dataSent.Store(true)
	for len(rest) > 0 {
		c.kickLocked()
		if err := s.waitLocked(); err != nil {
			c.wmu.Unlock()
			return err
		}
		rest = c.writeDataLocked(s.id, &s.sendWin, rest, false)
		c.dataSent.Store(true)
	}
	c.kickLocked()
	if len(c.wbuf) > c.cfg.WriteBufferSize {
		// A sender faster than the socket waits for the buffer to go out
		// rather than grow it.
		if err := s.waitLocked(); err != nil {
			c.wmu.Unlock()
			return err
		}
	}
	c.wmu.Unlock()
	return nil
}

// Finish ends the call with r.Status and r.Trailer: trailers after what
// was sent, or trailers only (with r's headers) if nothing was. The
// client's side is reset if it is still sending.
func (s *ServerStream) Finish(r *Response) error {
	c := s.c
	c.mu.Lock()
	if s.responded || s.reset {
		c.mu.Unlock()
		return nil
	}
	s.responded = true
	c.mu.Unlock()
	c.wmu.Lock()
	sent := s.hdrSent
	c.wmu.Unlock()
	var err error
	if !sent {
		err = s.writeTrailersOnly(r.Status, r.Header, r.Metainfo, r.Trailer)
	} else {
		var arr [8]hpack.HeaderField
		fs := appendStatus(arr[:0], r.Status)
		fs = appendMetadata(fs, r.Trailer)
		fs = appendRaw(fs, r.Metainfo)
		c.wmu.Lock()
		if c.werr != nil {
			err = c.werr
		} else {
			block, eerr := c.encodeHeadersLocked(fs)
			if eerr != nil {
				block, _ = c.encodeHeadersLocked(appendStatus(arr[:0], grpc.Status{Code: volo.CodeInternal, Message: "volo: " + eerr.Error()}))
			}
			c.wbuf = appendHeaders(c.ensureBuf(), s.id, block, true, c.peerMaxFrame)
			c.kickLocked()
		}
		c.wmu.Unlock()
	}
	if !s.q.ended() {
		// The handler returned before the client finished sending: the
		// rest of the request is not wanted.
		c.control(func(b []byte) []byte { return appendRSTStream(b, s.id, http2.ErrCodeNo) })
	}
	return err
}

// ended reports whether the peer ended its side.
func (q *recvQueue) ended() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.end || q.err != nil
}

// ClientStream is a streaming call on a client connection.
type ClientStream struct {
	c *ClientConn
	s *clientStream
	// Response holds the headers once Header returned, and the status
	// and trailers once Done is closed.
	Response Response2
}

// OpenStream takes a stream slot, waiting while the server's
// MAX_CONCURRENT_STREAMS are in use, and writes the request's headers.
// The stream is reset when ctx ends. An error wrapping ErrNotSent means
// nothing was sent.
func (c *ClientConn) OpenStream(ctx context.Context, req *Request) (*ClientStream, error) {
	if err := c.acquire(ctx); err != nil {
		return nil, err
	}
	var arr [16]hpack.HeaderField
	fs := requestFields(arr[:0], req)
	cs := &ClientStream{c: c}
	s := &clientStream{resp: &cs.Response, done: make(chan struct{}), hdrCh: make(chan struct{}),
		q: newRecvQueue(c.cfg.InitialWindowSize, req.MaxRecvMsg)}
	cs.s = s
	cs.Response.max = req.MaxRecvMsg
	c.wmu.Lock()
	if err := c.openLocked(s, fs); err != nil {
		c.wmu.Unlock()
		c.release(nil)
		return nil, err
	}
	c.kickLocked()
	c.wmu.Unlock()
	stop := context.AfterFunc(ctx, func() { cs.cancel(context.Cause(ctx)) })
	c.mu.Lock()
	if s.finished {
		c.mu.Unlock()
		stop()
	} else {
		s.stop = stop
		c.mu.Unlock()
	}
	return cs, nil
}

// Send writes one message (prefix included), and ends the client's side
// after it if end is set, waiting for flow control until the stream ends
// or ctx does.
func (cs *ClientStream) Send(ctx context.Context, msg []byte, end bool) error {
	c, s := cs.c, cs.s
	c.wmu.Lock()
	if c.werr != nil {
		err := c.werr
		c.wmu.Unlock()
		return err
	}
	select {
	case <-s.done:
		c.wmu.Unlock()
		return io.EOF
	default:
	}
	// An empty msg with end writes one empty DATA frame with END_STREAM.
	rest := c.writeDataLocked(s.id, &s.sendWin, msg, end)
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
			return io.EOF
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		c.wmu.Lock()
		if c.werr != nil {
			err := c.werr
			c.wmu.Unlock()
			return err
		}
		rest = c.writeDataLocked(s.id, &s.sendWin, rest, end)
		c.kickLocked()
	}
	if len(c.wbuf) > c.cfg.WriteBufferSize {
		// A sender faster than the socket waits for the buffer to go out
		// rather than grow it.
		ch := c.waitSpaceLocked()
		c.wmu.Unlock()
		select {
		case <-ch:
		case <-s.done:
		case <-ctx.Done():
			return context.Cause(ctx)
		}
		return nil
	}
	c.wmu.Unlock()
	return nil
}

// Header waits for the response headers, or the end of the call.
func (cs *ClientStream) Header(ctx context.Context) error {
	select {
	case <-cs.s.hdrCh:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// Recv returns the next response message (valid until the next Recv) and
// whether it is compressed; io.EOF once the server ended the call, whose
// status is then in Response (see Err for a failure of the stream).
func (cs *ClientStream) Recv(ctx context.Context) ([]byte, bool, error) {
	c, s := cs.c, cs.s
	return s.q.next(ctx, c.done, func(n int64) {
		c.control(func(b []byte) []byte { return appendWindowUpdate(b, s.id, uint32(n)) })
	})
}

// Done is closed when the call is over: trailers came, or the stream
// failed (Err).
func (cs *ClientStream) Done() <-chan struct{} { return cs.s.done }

// Err returns, once Done is closed, why the stream failed; nil if the
// server ended it with trailers.
func (cs *ClientStream) Err() error {
	select {
	case <-cs.s.done:
		return cs.s.err
	default:
		return nil
	}
}

// Cancel resets the stream if it is not over, and frees its slot; its
// Recv and Send fail with ErrCanceled.
func (cs *ClientStream) Cancel() { cs.cancel(ErrCanceled) }

// ErrCanceled is the error of a stream the caller canceled.
var ErrCanceled = errors.New("stream canceled by the caller")

func (cs *ClientStream) cancel(err error) {
	c, s := cs.c, cs.s
	s.detach()
	c.mu.Lock()
	fin := s.finished
	c.mu.Unlock()
	if fin {
		return
	}
	c.control(func(b []byte) []byte { return appendRSTStream(b, s.id, http2.ErrCodeCancel) })
	c.finish(s, err)
}
