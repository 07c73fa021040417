package server

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/internal/bind"
	"github.com/govolo/volo/volo/thrift/internal/biz"
)

// conn serves one connection: its goroutine reads and decodes requests, and
// each call runs on a goroutine of its own, so a peer that pipelines gets
// its calls run concurrently; replies are written whole, one at a time.
type conn struct {
	s      *Server
	nc     net.Conn
	remote string
	br     *bufio.Reader
	fr     *frame.Reader
	d      *thrift.Decoder
	wmu    sync.Mutex
	calls  sync.WaitGroup
	active atomic.Int32 // calls running

	mu      sync.Mutex
	running map[*request]struct{} // for abort

	slots chan struct{} // one per call running, when calls are capped
}

func newConn(s *Server, nc net.Conn) *conn {
	br := bufio.NewReaderSize(nc, 4096)
	c := &conn{
		s:  s,
		nc: nc,
		br: br,
		fr: frame.NewReader(br, frame.WithMaxFrameSize(s.cfg.maxFrame)),
		d:  thrift.NewDecoder(nil),
	}
	if a := nc.RemoteAddr(); a != nil {
		c.remote = a.String()
	}
	if s.cfg.maxCalls > 0 {
		c.slots = make(chan struct{}, s.cfg.maxCalls)
	}
	return c
}

// wake makes a read blocked between requests return, so that the
// connection notices the server is closing. The caller holds s.mu.
func (c *conn) wake() { c.nc.SetReadDeadline(time.Now()) }

func (c *conn) serve() {
	defer c.s.wg.Done()
	defer c.s.remove(c)
	defer c.nc.Close()
	for c.next() {
	}
	c.calls.Wait()
}

// next reads and starts one request. It reports false when the connection
// is done: closed by the peer, idle too long, too slow, out of step, or
// the server is closing.
func (c *conn) next() bool {
	if c.br.Buffered() == 0 {
		// About to wait for the peer: the last request's args are
		// decoded, and its buffer need not outlive it.
		c.d.Reset(nil)
		c.fr.Release()
	}
	c.setReadDeadline(c.s.cfg.idleTimeout)
	// Shutdown sets closing before it wakes the connection, so either this
	// sees it or the wake comes after the deadline set above.
	if c.s.isClosing() {
		return false
	}
	for {
		_, err := c.br.Peek(1)
		if err == nil {
			break
		}
		// Idle means no request and no call running.
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || c.active.Load() == 0 || c.s.isClosing() {
			return false
		}
		c.setReadDeadline(c.s.cfg.idleTimeout)
	}
	c.setReadDeadline(c.s.cfg.readTimeout)
	var f frame.Frame
	if err := c.fr.Next(&f); err != nil {
		c.readFailed(err)
		return false
	}
	return c.start(&f)
}

func (c *conn) setReadDeadline(d time.Duration) {
	var t time.Time
	if d > 0 {
		t = time.Now().Add(d)
	}
	c.nc.SetReadDeadline(t)
}

func (c *conn) readFailed(err error) {
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
	case errors.As(err, &ne) && ne.Timeout():
		c.s.cfg.logger.Info("volo: read timeout, closing connection", "remote", c.remote)
	default:
		c.s.cfg.logger.Warn("volo: bad request frame, closing connection", "remote", c.remote, "err", err)
	}
}

// request is one call in flight, with what its reply needs.
type request struct {
	call    thrift.Call
	framing frame.Framing
	header  frame.Header
	seq     int32
	// name is the method name the request carried, which the reply
	// repeats whatever a layer does to call.Method.
	name string
	// oneway: the method is oneway, or the peer sent a oneway message;
	// either way nothing is sent back.
	oneway bool
	// replied is set by the first reply; a call aborted by a shutdown
	// deadline is answered by Shutdown, and its handler's late reply is
	// dropped.
	replied atomic.Bool
}

// start decodes the request in f and runs it. A message whose header
// cannot be read leaves nothing to reply to: the connection is closed.
func (c *conn) start(f *frame.Frame) bool {
	c.d.Reset(f.Payload)
	name, typ, seq, err := c.d.ReadMessageBegin()
	if err != nil {
		c.readFailed(err)
		return false
	}
	r := &request{framing: f.Framing, header: f.Header, seq: seq, name: name}
	r.call.Method = name
	r.call.Addr = c.remote
	r.call.Service = f.Header.StrInfo[frame.KeyIDLServiceName]
	r.oneway = typ == thrift.MessageOneway
	var ex *thrift.ApplicationException
	switch rt := c.s.lookup(r.call.Service, name); {
	case typ != thrift.MessageCall && typ != thrift.MessageOneway:
		ex = thrift.NewApplicationException(thrift.ExceptionInvalidMessageType, "expected a call, got "+typ.String())
	case rt == nil:
		ex = thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "unknown method "+name)
	default:
		r.call.Service = rt.service
		r.call.Desc = rt.desc
		bind.Set(&r.call, rt.impl)
		r.oneway = r.oneway || rt.desc.Oneway
		ex = c.decodeArgs(&r.call)
	}
	if ex != nil {
		if !r.oneway {
			c.reply(r, nil, ex)
		}
		return true
	}
	if c.slots != nil {
		// At the cap this blocks the reader, not the calls running.
		c.slots <- struct{}{}
	}
	c.calls.Add(1)
	c.active.Add(1)
	c.mu.Lock()
	if c.running == nil {
		c.running = make(map[*request]struct{})
	}
	c.running[r] = struct{}{}
	c.mu.Unlock()
	go c.run(r)
	return true
}

// run calls the stack and replies.
func (c *conn) run(r *request) {
	defer c.calls.Done()
	defer c.active.Add(-1)
	defer func() {
		c.mu.Lock()
		delete(c.running, r)
		c.mu.Unlock()
		if c.slots != nil {
			<-c.slots
		}
	}()
	ctx, err := c.s.cfg.codec.FromMap(c.s.baseCtx, r.header.StrInfo)
	if err != nil {
		c.reply(r, nil, thrift.NewApplicationException(thrift.ExceptionProtocolError, "bad metainfo: "+err.Error()))
		return
	}
	ctx = metainfo.WithBackwardValuesToSend(ctx)
	if t := r.header.RPCTimeout; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t)
		defer cancel()
	}
	res, err := c.call(ctx, &r.call)
	if r.oneway {
		return
	}
	c.replyTo(ctx, r, res, err)
}

// decodeArgs makes the args struct of the routed method and decodes it
// from the rest of the message. A decoder that panics (generated code
// does not; a hand-written one may) fails the request, not the process.
func (c *conn) decodeArgs(call *thrift.Call) (ex *thrift.ApplicationException) {
	defer func() {
		if p := recover(); p != nil {
			c.s.cfg.logger.Error("volo: args decoder panicked", "method", call.Method, "panic", p, "stack", string(debug.Stack()))
			ex = thrift.NewApplicationException(thrift.ExceptionProtocolError, "cannot decode the arguments of "+call.Method)
		}
	}()
	if call.Args = call.Desc.NewArgs(); call.Args == nil {
		return thrift.NewApplicationException(thrift.ExceptionInternalError, "no args struct for "+call.Method)
	}
	if err := c.d.Decode(call.Args); err != nil {
		return thrift.NewApplicationException(thrift.ExceptionProtocolError, "cannot decode the arguments of "+call.Method+": "+err.Error())
	}
	if n := c.d.Len(); n != 0 {
		return thrift.NewApplicationException(thrift.ExceptionProtocolError, "bytes after the arguments of "+call.Method+": "+strconv.Itoa(n))
	}
	return nil
}

// call runs the stack, turning a panic into an INTERNAL_ERROR exception.
// The panic's value is logged; it goes to the caller only with
// WithPanicDetails, since it may say more than a caller should know.
func (c *conn) call(ctx context.Context, call *thrift.Call) (res thrift.Struct, err error) {
	defer func() {
		if p := recover(); p != nil {
			c.s.cfg.logger.Error("volo: handler panicked", "method", call.Method, "panic", p, "stack", string(debug.Stack()))
			msg := "volo: the handler of " + call.Method + " panicked"
			if c.s.cfg.panicDetails {
				msg += ": " + fmt.Sprint(p)
			}
			res, err = nil, thrift.NewApplicationException(thrift.ExceptionInternalError, msg)
		}
	}()
	return c.s.stack.Call(ctx, call)
}

// replyTo sends the outcome of a call, with the backward values the
// handler queued.
func (c *conn) replyTo(ctx context.Context, r *request, res thrift.Struct, err error) {
	var info map[string]string
	var be *volo.BizError
	isBiz := errors.As(err, &be)
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
	c.nc.Close()
}

func (c *conn) writeReply(r *request, info map[string]string, res thrift.Struct, err error) {
	if r.replied.Load() {
		return
	}
	typ, body := thrift.MessageReply, res
	if err != nil {
		typ, body = thrift.MessageException, thrift.ExceptionFor(err)
	}
	var h *frame.Header
	if isHeader(r.framing) {
		if c.s.isClosing() {
			if info == nil {
				info = make(map[string]string, 1)
			}
			info[frame.KeyConnReset] = "1"
		}
		h = &frame.Header{SeqID: r.header.SeqID, StrInfo: info}
	}
	buf := frame.GetBuffer()
	defer buf.Free()
	var werr error
	buf.B, werr = frame.AppendMessage(buf.B, r.framing, h, r.name, typ, r.seq, body)
	if werr != nil && h != nil {
		// A header too large to encode: reply without it.
		c.s.cfg.logger.Warn("volo: reply header dropped", "method", r.name, "err", werr)
		buf.B, werr = frame.AppendMessage(buf.B[:0], r.framing, &frame.Header{SeqID: r.header.SeqID}, r.name, typ, r.seq, body)
	}
	if werr != nil {
		c.s.cfg.logger.Error("volo: cannot encode reply", "method", r.name, "err", werr)
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	// Claimed under the write lock, so that close, which takes it too,
	// never cuts off a reply half written.
	if !r.replied.CompareAndSwap(false, true) {
		return
	}
	if d := c.s.cfg.writeTimeout; c.s.aborting.Load() {
		c.nc.SetWriteDeadline(time.Now().Add(abortWriteTimeout))
	} else if d > 0 {
		c.nc.SetWriteDeadline(time.Now().Add(d))
	}
	if _, err := c.nc.Write(buf.B); err != nil {
		// The reader notices the broken connection and closes it.
		c.nc.Close()
	}
}

func isHeader(f frame.Framing) bool { return f == frame.TTHeader || f == frame.TTHeaderFramed }

// empty is the result sent with a business error: a struct with no
// fields set, as Kitex sends.
type empty struct{}

func (empty) ThriftSize() int                    { return thrift.FieldStopSize }
func (empty) AppendThrift(b []byte) []byte       { return thrift.AppendFieldStop(b) }
func (empty) DecodeThrift(*thrift.Decoder) error { return nil }
