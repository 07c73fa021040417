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
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/internal/bind"
)

// conn serves one connection: its goroutine reads and decodes requests.
// A call that is the only one on the connection runs on that goroutine
// (see inline.go); otherwise it is handed to a worker goroutine of the
// connection that is free, or to a new one if none is, so a peer that
// pipelines gets its calls run concurrently, and a call does not wait for
// another. Replies are written whole, under one lock; those ready
// together share a write (see write). A worker waits for the next call
// for workerIdle after its last one, so that a busy connection reuses its
// goroutines and their grown stacks instead of starting one per call, and
// an idle one keeps only its reader.
type conn struct {
	s      *Server
	nc     net.Conn
	remote string
	br     *bufio.Reader
	fr     *frame.Reader
	d      *thrift.Decoder
	wmu    sync.Mutex // held while replies are written (see write)

	// The replies waiting for the writer, under qmu; spare, vec and wv
	// are the writer's, under wmu.
	qmu    sync.Mutex
	queue  []outgoing
	spare  []outgoing
	vec    [][]byte
	wv     net.Buffers
	calls  sync.WaitGroup
	active atomic.Int32 // calls running

	// dlMu orders the reader's read deadlines with wake: only a wait
	// between requests may be cut short, never the reading of one.
	dlMu    sync.Mutex
	waiting bool

	// draining: the connection is being closed gracefully (Shutdown, idle
	// timeout, eviction), and answers new requests with a refusal.
	draining atomic.Bool
	told     atomic.Bool   // a reply with crrst, or a not-run refusal, was written during the drain
	evict    atomic.Bool   // the server wants the connection's descriptor back
	activity atomic.Int64  // unix nanoseconds of the last request read or call ended
	inflight atomic.Int64  // bytes of requests and replies in flight (see budget)
	lost     atomic.Bool   // a reply could not be written: the peer must not read a clean end
	done     chan struct{} // closed once the connection is closed
	doneOnce sync.Once

	mu      sync.Mutex
	running map[*request]struct{} // for abort

	slots chan struct{} // one per call running, when calls are capped

	// work hands a request to a worker waiting for one; a send succeeds
	// only when a worker is free (see start).
	work chan *request
	// wantMap: the reader used the map of string keys it was handed, or
	// made one, so it may be handed another (see recycleInfo).
	wantMap bool
	// pipelined: the peer sent a request while another ran, or before
	// the one before it started; its calls no longer run inline.
	pipelined bool

	// inl is the connection's place among the server's inline slots (see
	// inline.go), from add to remove.
	inl    *inlineSlot
	inlIdx int
}

// maxRecycledKeys is the most string keys a request's header map may have
// held to be reused for another request: a map does not shrink when it is
// cleared.
const maxRecycledKeys = 16

// workerIdle is how long a connection's worker goroutine waits for another
// call before it ends.
const workerIdle = 250 * time.Millisecond

func newConn(s *Server, nc net.Conn) *conn {
	br := bufio.NewReaderSize(nc, 4096)
	c := &conn{
		s:    s,
		nc:   nc,
		br:   br,
		fr:   frame.NewReader(br, frame.WithMaxFrameSize(s.cfg.maxFrame)),
		d:    thrift.NewDecoder(nil),
		done: make(chan struct{}),
		work: make(chan *request),
	}
	c.read()
	if a := nc.RemoteAddr(); a != nil {
		c.remote = a.String()
	}
	if s.cfg.maxCalls > 0 {
		c.slots = make(chan struct{}, s.cfg.maxCalls)
	}
	return c
}

func (c *conn) serve() {
	defer c.s.wg.Done()
	end := endNone
	for end == endNone {
		end = c.next()
	}
	if end == endHanded {
		// Another goroutine reads the connection now, and ends it: this
		// one is a worker.
		c.serveCalls(nil)
		return
	}
	defer c.s.remove(c)
	switch end {
	case endDrain:
		c.drain()
	case endIdle:
		// Nothing runs and nothing came for a while: no request to
		// answer, only the stream to end without a reset.
		c.draining.Store(true)
		c.calls.Wait()
		c.linger()
	default:
		// The peer is gone, failed, or is out of step: the calls running
		// still reply if they can.
		c.calls.Wait()
		c.closeNow()
	}
}

// Why a connection's reader stops.
const (
	endNone   = iota // it goes on
	endPeer          // the peer closed, was too slow or is out of step
	endIdle          // idle too long, or closed to make room at the cap
	endDrain         // the server is shutting down
	endHanded        // another goroutine reads the connection now
)

// next reads and starts one request, and reports whether and why the
// reader stops.
func (c *conn) next() int {
	if c.br.Buffered() == 0 {
		// About to wait for the peer: the last request's args are
		// decoded, and its buffer need not outlive it.
		c.d.Reset(nil)
		c.fr.Release()
	}
	if !c.admit() {
		return endDrain
	}
	for {
		c.waitDeadline(c.s.cfg.idleTimeout)
		// Whoever sets these flags wakes the connection after: either this
		// sees them or the wake comes after the deadline set above.
		switch {
		case c.s.isClosing():
			return endDrain
		case c.evict.Load():
			return endIdle
		}
		_, err := c.br.Peek(1)
		if err == nil {
			break
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			return endPeer
		}
		// Idle means no request and no call running.
		if c.active.Load() == 0 && !c.s.isClosing() && !c.evict.Load() {
			return endIdle
		}
	}
	c.readDeadline(c.s.cfg.readTimeout)
	if c.wantMap {
		if m, ok := c.s.infoMaps.Get().(map[string]string); ok {
			c.fr.Reuse(m)
		}
		c.wantMap = false
	}
	var f frame.Frame
	if err := c.fr.Next(&f); err != nil {
		c.readFailed(err)
		return endPeer
	}
	c.wantMap = f.Header.StrInfo != nil
	c.read()
	return c.start(&f)
}

// read notes that a request was read.
func (c *conn) read() {
	c.activity.Store(time.Now().UnixNano())
}

// waitDeadline sets the read deadline for a wait between requests, d from
// now (none for d <= 0), which wake may cut short.
func (c *conn) waitDeadline(d time.Duration) {
	var t time.Time
	if d > 0 {
		t = time.Now().Add(d)
	}
	c.waitUntil(t)
}

func (c *conn) waitUntil(t time.Time) {
	c.dlMu.Lock()
	c.waiting = true
	c.nc.SetReadDeadline(t)
	c.dlMu.Unlock()
}

// readDeadline sets the deadline for reading the rest of a request, which
// wake leaves alone. A frame that is all in the buffer already is read
// without a system call: the deadline would bound nothing, and is not set.
func (c *conn) readDeadline(d time.Duration) {
	buffered := c.fr.Buffered()
	var t time.Time
	if d > 0 && !buffered {
		t = time.Now().Add(d)
	}
	c.dlMu.Lock()
	c.waiting = false
	if !buffered {
		c.nc.SetReadDeadline(t)
	}
	c.dlMu.Unlock()
}

// wake makes a wait between requests return, so that the reader looks at
// the server's and the connection's state again. A request being read is
// not cut short.
func (c *conn) wake() {
	c.dlMu.Lock()
	if c.waiting {
		c.nc.SetReadDeadline(time.Now())
	}
	c.dlMu.Unlock()
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
	// cost is what the request counts against the bytes in flight.
	cost int64
	// replied is set by the first reply; a call aborted by a shutdown
	// deadline is answered by Shutdown, and its handler's late reply is
	// dropped.
	replied atomic.Bool
}

// start decodes the request in f and runs it, and reports whether and
// why the reader stops. A message whose header cannot be read leaves
// nothing to reply to: the connection is closed. A request read once the
// connection began to drain is refused, not run.
func (c *conn) start(f *frame.Frame) int {
	if c.s.isClosing() || c.evict.Load() {
		if !c.refuse(f) {
			return endPeer
		}
		return endNone
	}
	c.d.Reset(f.Payload)
	raw, typ, seq, err := c.d.ReadMessageBeginView()
	if err != nil {
		c.readFailed(err)
		return endPeer
	}
	service := f.Header.StrInfo[frame.KeyIDLServiceName]
	rt := c.s.lookup(service, raw)
	// A routed method's name is the registered one, equal to what the
	// request carried; only an unknown name is copied out of the frame.
	var name string
	if rt != nil {
		name = rt.desc.Name
	} else {
		name = string(raw)
	}
	r := &request{framing: f.Framing, header: f.Header, seq: seq, name: name, cost: int64(len(f.Payload))}
	r.call.Method = name
	r.call.Addr = c.remote
	r.call.Service = service
	r.oneway = typ == thrift.MessageOneway
	var ex *thrift.ApplicationException
	switch {
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
		return endNone
	}
	if c.slots != nil {
		// At the cap this blocks the reader, not the calls running. A
		// request still waiting for a slot when the server begins to shut
		// down has not started: it is refused.
		select {
		case c.slots <- struct{}{}:
		case <-c.s.closed:
			if !r.oneway {
				c.write(r, nil, thrift.MessageException, notRun)
			}
			return endNone
		}
	}
	c.s.budget.charge(c, r.cost)
	c.calls.Add(1)
	others := c.active.Add(1) > 1
	c.mu.Lock()
	if c.running == nil {
		c.running = make(map[*request]struct{})
	}
	c.running[r] = struct{}{}
	c.mu.Unlock()
	c.pipelined = c.pipelined || others || c.br.Buffered() > 0
	// A call handed over may still be ending its inline run (its state
	// is inlHanded until then), though it no longer counts as running.
	if !c.pipelined && c.inl.state.Load() == inlNone {
		if !c.inline(r) {
			return endHanded
		}
		return endNone
	}
	select {
	case c.work <- r:
		// A free worker took it.
	default:
		// Every worker is running a call: the request does not wait for
		// one of them.
		c.s.wg.Add(1)
		go c.worker(r)
	}
	return endNone
}

// worker runs r, then each request start hands it, until none comes for
// workerIdle or the connection is closed.
func (c *conn) worker(r *request) {
	defer c.s.wg.Done()
	c.serveCalls(r)
}

// serveCalls runs r, if not nil, then each request start hands it, until
// none comes for workerIdle or the connection is closed.
func (c *conn) serveCalls(r *request) {
	// The timer is not reset after every call, which would cost a timer
	// update per call: when it fires, the worker waits out what is left
	// of workerIdle since its last call, or ends.
	var idle *time.Timer
	for {
		if r != nil {
			c.run(r, false)
		}
		last := time.Now()
		if idle == nil {
			idle = time.NewTimer(workerIdle)
		}
	wait:
		select {
		case r = <-c.work:
		case <-idle.C:
			if left := workerIdle - time.Since(last); left > 0 {
				idle.Reset(left)
				goto wait
			}
			return
		case <-c.done:
			idle.Stop()
			return
		}
	}
}

// run calls the stack and replies.
func (c *conn) run(r *request, inline bool) (handed bool) {
	defer func() {
		c.mu.Lock()
		delete(c.running, r)
		c.mu.Unlock()
		c.s.budget.release(c, r.cost)
		if c.slots != nil {
			<-c.slots
		}
		c.activity.Store(time.Now().UnixNano())
		if c.active.Add(-1) == 0 && c.draining.Load() {
			// The drain waits for the last call to end.
			c.wake()
		}
		if inline {
			// Before the call counts as done: once it does, the
			// connection may end and its slot go to another.
			handed = c.endInline()
		}
		c.calls.Done()
	}()
	ctx, err := c.s.cfg.codec.FromMap(c.s.baseCtx, r.header.StrInfo)
	c.recycleInfo(r)
	if err != nil {
		c.reply(r, nil, thrift.NewApplicationException(thrift.ExceptionProtocolError, "bad metainfo: "+err.Error()))
		return
	}
	if isHeader(r.framing) {
		// Only a TTHeader reply carries backward values: elsewhere a
		// handler's SendBackwardValue reports false, and the call costs
		// no context node for them.
		ctx = metainfo.WithBackwardValuesToSend(ctx)
	}
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
	return
}

// recycleInfo gives the map of the request's TTHeader string keys back for
// another request to be read into. The map is the server's own: no handler
// or middleware sees it (they get its metainfo, which FromMap copied into
// the context, and the routing it decided), and nothing reads it once the
// metainfo is decoded, so it may be cleared and reused at once.
func (c *conn) recycleInfo(r *request) {
	m := r.header.StrInfo
	if m == nil || len(m) > maxRecycledKeys {
		return
	}
	r.header.StrInfo = nil
	clear(m)
	c.s.infoMaps.Put(m)
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
