package server

import (
	"context"
	"errors"
	"net"
	"runtime"
	"time"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/internal/biz"
)

// notRun is the refusal of a request the server read but did not start
// because it is shutting down (or closing the connection): its code says
// unavailable and its not_run field that the call may be sent again, which
// volo clients report as not sent (retried by balancers); other peers read
// an INTERNAL_ERROR exception.
var notRun = &thrift.ApplicationException{
	Message: "volo: server shutting down, the call did not run",
	Type:    thrift.ExceptionTypeOf(volo.CodeUnavailable),
	Code:    volo.CodeUnavailable,
	NotRun:  true,
}

// replyTo sends the outcome of a call, with the backward values the
// handler queued.
func (c *conn) replyTo(ctx context.Context, r *request, res thrift.Struct, err error) {
	var info map[string]string
	be, isBiz := bizError(err)
	if isHeader(r.framing) && (isBiz || hasBackward(ctx)) {
		info = make(map[string]string)
		if err := c.s.cfg.codec.BackwardToMap(ctx, info); err != nil {
			c.s.cfg.logger.Warn("volo: backward metainfo not sent", "method", r.call.Method, "err", err)
		}
	}
	switch {
	case err == nil && res == nil:
		err = thrift.NewApplicationException(thrift.ExceptionMissingResult, r.call.Method+" returned no result")
	case err != nil && res != nil && thrift.ExceptionOf(res) != nil:
		// A declared exception: it travels as the result's field.
		err = nil
	case isBiz && info != nil:
		biz.ToMap(be, info)
		res, err = empty{}, nil
	case !c.s.cfg.panicDetails && errors.Is(err, motore.ErrPanic):
		// A layer (motore.CatchPanic) recovered the panic: its value
		// stays here too.
		err = thrift.NewApplicationException(thrift.ExceptionInternalError, "volo: the handler of "+r.name+" panicked")
	}
	c.writeReply(r, info, res, err)
}

// bizError returns the *volo.BizError in err's chain. A call that
// succeeded costs nothing: the target errors.As needs lives on the heap,
// and only here.
func bizError(err error) (*volo.BizError, bool) {
	if err == nil {
		return nil, false
	}
	var be *volo.BizError
	ok := errors.As(err, &be)
	return be, ok
}

// hasBackward reports whether the handler queued backward values, so that
// a reply without them needs no map.
func hasBackward(ctx context.Context) bool {
	for range metainfo.BackwardValuesToSend(ctx) {
		return true
	}
	return false
}

// reply sends res, or the exception err, without metainfo.
func (c *conn) reply(r *request, res thrift.Struct, err error) {
	c.writeReply(r, nil, res, err)
}

// abort answers every call still running with an exception saying the
// server shut down, when a graceful shutdown runs out of time.
func (c *conn) abort() {
	c.mu.Lock()
	running := make([]*request, 0, len(c.running))
	for r := range c.running {
		running = append(running, r)
	}
	c.mu.Unlock()
	for _, r := range running {
		if !r.oneway {
			c.writeReply(r, nil, nil, errShutdownDeadline)
		}
	}
}

// close closes the connection once a reply being written is out, giving
// that write at most abortWriteTimeout.
func (c *conn) close() {
	c.nc.SetWriteDeadline(time.Now().Add(abortWriteTimeout))
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.closeNow()
}

// closeNow closes the connection. If a call it read is left without a
// reply (Close, a failed write), the connection is reset rather than
// ended cleanly: a volo client that has seen the server drain takes a
// clean end for the proof that what it had not been answered did not run.
func (c *conn) closeNow() {
	if c.lost.Load() || c.unanswered() {
		if tc, ok := c.nc.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
	}
	c.nc.Close()
	c.doneOnce.Do(func() { close(c.done) })
}

// unanswered reports whether a two-way call running has not replied.
func (c *conn) unanswered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for r := range c.running {
		if !r.oneway && !r.replied.Load() {
			return true
		}
	}
	return false
}

// writeReply sends res, or the exception for err (see
// thrift.ExceptionFor), with the string keys in info.
func (c *conn) writeReply(r *request, info map[string]string, res thrift.Struct, err error) {
	typ, body := thrift.MessageReply, res
	if err != nil {
		typ, body = thrift.MessageException, thrift.ExceptionFor(err)
	}
	c.write(r, info, typ, body)
}

// write encodes one reply, unless r was answered already, and returns
// once it is written. The reply's bytes count against the bytes in
// flight until written. Over the budget, a reply is encoded only once the
// connection's earlier replies are out: a peer that does not read its
// replies holds one encoded reply on the server, not one for each call
// it sent.
//
// Replies that are ready while another is being written go out together,
// in one system call (see flush): a connection with many calls running
// makes fewer writes than it sends replies.
func (c *conn) write(r *request, info map[string]string, typ thrift.MessageType, body thrift.Struct) {
	if r.replied.Load() {
		return
	}
	p := outgoing{r: r, info: info, typ: typ, body: body, buf: frame.GetBuffer()}
	if isHeader(r.framing) {
		p.h = frame.Header{SeqID: r.header.SeqID, StrInfo: info}
		p.hasH = true
		c.markReset(&p)
	}
	lazy := !c.s.budget.allows(c)
	if lazy {
		c.wmu.Lock()
		defer c.wmu.Unlock()
	}
	if !c.encode(p.buf, r, p.header(), typ, body) {
		p.buf.Free()
		return
	}
	p.cost = int64(len(p.buf.B))
	c.s.budget.charge(c, p.cost)
	c.qmu.Lock()
	c.queue = append(c.queue, p)
	c.qmu.Unlock()
	if !lazy {
		if c.active.Load() > 1 {
			// Other calls run on the connection: let those that are
			// ready to reply queue their replies too, to go out in the
			// same write.
			runtime.Gosched()
		}
		// Whoever holds the lock writes what is queued, this reply
		// included if it is there yet: once this goroutine has the lock,
		// its reply is out.
		c.wmu.Lock()
		defer c.wmu.Unlock()
	}
	c.flush()
}

// outgoing is a reply encoded and waiting to be written.
type outgoing struct {
	r     *request
	h     frame.Header // TTHeader's, if hasH
	hasH  bool
	info  map[string]string
	typ   thrift.MessageType
	body  thrift.Struct
	buf   *frame.Buffer
	cost  int64
	reset bool // h carries crrst
}

// header is the reply's TTHeader, or nil.
func (p *outgoing) header() *frame.Header {
	if !p.hasH {
		return nil
	}
	return &p.h
}

// markReset adds crrst to the header of a TTHeader reply if the server is
// closing or the connection draining, and reports whether it did.
func (c *conn) markReset(p *outgoing) bool {
	if !p.hasH || p.reset || !c.s.isClosing() && !c.draining.Load() {
		return false
	}
	if p.info == nil {
		p.info = make(map[string]string, 1)
	}
	p.info[frame.KeyConnReset] = "1"
	p.h.StrInfo, p.reset = p.info, true
	return true
}

// flush writes every reply queued, under c.wmu: in one system call where
// the connection allows it (writev on TCP).
func (c *conn) flush() {
	c.qmu.Lock()
	batch := c.queue
	c.queue = c.spare[:0]
	c.qmu.Unlock()
	told := false
	for i := range batch {
		p := &batch[i]
		// The server may have begun to drain while the reply waited for
		// its turn: every reply written from then on says so.
		if c.markReset(p) {
			p.buf.B = p.buf.B[:0]
			if !c.encode(p.buf, p.r, p.header(), p.typ, p.body) {
				continue
			}
			c.s.budget.charge(c, int64(len(p.buf.B))-p.cost)
			p.cost = int64(len(p.buf.B))
		}
		// Claimed under the write lock, so that close, which takes it
		// too, never cuts off a reply half written.
		if !p.r.replied.CompareAndSwap(false, true) {
			continue
		}
		if p.reset || p.body == notRun {
			told = true
		}
		c.vec = append(c.vec, p.buf.B)
	}
	if len(c.vec) > 0 {
		if d := c.s.cfg.writeTimeout; c.s.aborting.Load() {
			c.nc.SetWriteDeadline(time.Now().Add(abortWriteTimeout))
		} else if d > 0 {
			c.nc.SetWriteDeadline(time.Now().Add(d))
		}
		if told {
			c.told.Store(true)
		}
		var err error
		if len(c.vec) == 1 {
			_, err = c.nc.Write(c.vec[0])
		} else {
			c.wv = c.vec
			_, err = c.wv.WriteTo(c.nc)
		}
		if err != nil {
			// The replies are lost: the reader notices the broken
			// connection and ends it.
			c.lost.Store(true)
			c.closeNow()
		}
	}
	for i := range batch {
		p := &batch[i]
		c.s.budget.release(c, p.cost)
		p.buf.Free()
		batch[i] = outgoing{}
	}
	clear(c.vec)
	c.vec = c.vec[:0]
	c.spare = batch[:0]
}

// encode puts the reply's message in buf, and reports false if it cannot
// be encoded (logged). A header too large to encode is dropped.
func (c *conn) encode(buf *frame.Buffer, r *request, h *frame.Header, typ thrift.MessageType, body thrift.Struct) bool {
	var err error
	buf.B, err = frame.AppendMessage(buf.B, r.framing, h, r.name, typ, r.seq, body)
	if err != nil && h != nil {
		c.s.cfg.logger.Warn("volo: reply header dropped", "method", r.name, "err", err)
		buf.B, err = frame.AppendMessage(buf.B[:0], r.framing, &frame.Header{SeqID: r.header.SeqID}, r.name, typ, r.seq, body)
	}
	if err != nil {
		c.s.cfg.logger.Error("volo: cannot encode reply", "method", r.name, "err", err)
		return false
	}
	return true
}

func isHeader(f frame.Framing) bool { return f == frame.TTHeader || f == frame.TTHeaderFramed }

// empty is the result sent with a business error: a struct with no
// fields set, as Kitex sends.
type empty struct{}

func (empty) ThriftSize() int                    { return thrift.FieldStopSize }
func (empty) AppendThrift(b []byte) []byte       { return thrift.AppendFieldStop(b) }
func (empty) DecodeThrift(*thrift.Decoder) error { return nil }
