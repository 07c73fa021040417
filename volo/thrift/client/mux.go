package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

// errUnusable says a multiplexed connection died or began draining before
// a call could be sent on it: the call was not sent, so another connection
// may carry it.
var errUnusable = errors.New("volo: multiplexed connection unusable")

// errDrained is why a multiplexed connection is closed after the server
// asked to drop it and its last call ended.
var errDrained = errors.New("volo: connection drained")

// muxConn is one connection that carries many calls at once: each request
// has its own sequence id, and a reader goroutine hands each reply, in
// whatever order it comes, to the call waiting for its id.
type muxConn struct {
	t  *transport
	nc net.Conn
	fr *frame.Reader
	d  *thrift.Decoder // the reader goroutine's

	// wsem lets one writer at a time write the requests queued; a call
	// waiting for it can still give up when its context ends.
	wsem chan struct{}
	// queue holds the requests encoded and not yet taken by a writer,
	// under qmu; vec and wv are the writer's, under wsem.
	qmu   sync.Mutex
	queue []muxOut
	spare []muxOut
	vec   [][]byte
	wv    net.Buffers

	mu      sync.Mutex
	seq     int32
	pending map[int32]*muxCall
	// abandoned holds the sequence ids of calls that gave up after their
	// request was sent: their late replies are dropped, while a reply to
	// an id that is neither pending nor abandoned fails the connection.
	abandoned map[int32]struct{}
	err       error // why the connection is done; no call is sent once set
	draining  bool  // no new calls: the server asked to drop it, or too many calls gave up
	// told says the server refused a call as not run: only a volo server
	// does, while it drains the connection, and it then answers every
	// request it reads and ends the stream cleanly only once it has, so a
	// call still waiting at a clean end was not read and did not run. A
	// crrst alone does not tell: another server that sends it may end
	// the stream with calls running.
	told bool
	done chan struct{}
}

// muxCall is one call waiting on a muxConn for its reply.
type muxCall struct {
	ctx         context.Context
	call        *thrift.Call
	deadline    time.Time
	hasDeadline bool
	// reply gets the call's outcome exactly once, from whoever removed
	// the call from pending: the reader, or a failure of the connection.
	reply chan error
	// timer bounds the wait; it is kept with the muxCall for reuse.
	timer *time.Timer
	// cut says a cancellation has cut the call's write short.
	cut chan struct{}
}

// muxOut is a request queued to be written.
type muxOut struct {
	buf *frame.Buffer
	// deadline bounds its write (none if zero).
	deadline time.Time
}

// muxCalls recycles muxCalls with their channels. A muxCall goes back
// only once nobody can send on its channel any more: it left pending, and
// whatever was sent has been received.
var muxCalls = sync.Pool{New: func() any { return &muxCall{reply: make(chan error, 1), cut: make(chan struct{}, 1)} }}

// muxState is what one request needs while it is encoded.
type muxState struct {
	header frame.Header
	info   map[string]string
}

var muxStates = sync.Pool{New: func() any { return &muxState{info: make(map[string]string)} }}

func dialMux(ctx context.Context, t *transport, addr string, deadline time.Time) (*muxConn, error) {
	pc, err := dial(ctx, &t.cfg, addr, deadline)
	if err != nil {
		return nil, err
	}
	c := &muxConn{
		t:         t,
		nc:        pc.nc,
		fr:        pc.fr,
		d:         pc.d,
		pending:   make(map[int32]*muxCall),
		abandoned: make(map[int32]struct{}),
		done:      make(chan struct{}),
		wsem:      make(chan struct{}, 1),
	}
	go c.read()
	return c, nil
}

// usable reports whether new calls may be sent on c.
func (c *muxConn) usable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err == nil && !c.draining
}

// roundTrip sends call on c and waits for its reply. It returns
// errUnusable, having sent nothing, if c can take no more calls.
func (c *muxConn) roundTrip(ctx context.Context, call *thrift.Call, deadline time.Time, hasDeadline bool) error {
	m := muxCalls.Get().(*muxCall)
	m.ctx, m.call, m.deadline, m.hasDeadline = ctx, call, deadline, hasDeadline
	defer func() {
		m.ctx, m.call = nil, nil
		muxCalls.Put(m)
	}()
	c.mu.Lock()
	if c.err != nil || c.draining {
		c.mu.Unlock()
		return errUnusable
	}
	c.seq++
	seq := c.seq
	if !call.Oneway() {
		c.pending[seq] = m
	}
	waiting := len(c.pending)
	c.mu.Unlock()

	t := c.t
	st := muxStates.Get().(*muxState)
	buf := frame.GetBuffer()
	var err error
	buf.B, err = t.appendRequest(ctx, buf.B, &st.header, st.info, call, seq, deadline, hasDeadline)
	st.header = frame.Header{}
	muxStates.Put(st)
	if err != nil {
		buf.Free()
		if !call.Oneway() {
			_ = c.abandon(seq, m, err, false)
		}
		return err
	}
	ioDeadline := t.ioDeadline(deadline, hasDeadline)
	c.qmu.Lock()
	c.queue = append(c.queue, muxOut{buf: buf, deadline: ioDeadline})
	c.qmu.Unlock()
	if waiting > 1 {
		// Other calls are on their way: let those that are ready queue
		// their requests too, to go out in the same write.
		runtime.Gosched()
	}
	select {
	case c.wsem <- struct{}{}:
	case <-ctx.Done():
		err := t.ioError(ctx, "waiting to write the request", context.Cause(ctx))
		if c.unqueue(buf) {
			// Still queued behind another call's write: nothing was sent.
			buf.Free()
			if call.Oneway() {
				return err
			}
			return c.abandon(seq, m, err, false)
		}
		// Another call's writer has taken the request: it goes out, or
		// the connection fails.
		if call.Oneway() {
			return err
		}
		return c.abandon(seq, m, err, true)
	}
	// The holder of wsem writes what is queued, this request included if
	// an earlier holder did not: once this call has wsem, its request is
	// out, or the connection failed.
	mine, err := c.flush(ctx, m, buf)
	if err == nil && !mine {
		// The writer that took the request failed the connection if
		// its write failed.
		c.mu.Lock()
		err = c.err
		c.mu.Unlock()
	}
	<-c.wsem
	if err != nil {
		if call.Oneway() {
			return t.ioError(ctx, "writing the request", err)
		}
		return <-m.reply
	}
	if call.Oneway() {
		return nil
	}

	var expired <-chan time.Time
	if !ioDeadline.IsZero() {
		// The timer goes back to the pool with m, stopped: since Go 1.23 a
		// stopped or reset timer delivers no stale tick.
		if m.timer == nil {
			m.timer = time.NewTimer(time.Until(ioDeadline))
		} else {
			m.timer.Reset(time.Until(ioDeadline))
		}
		defer m.timer.Stop()
		expired = m.timer.C
	}
	select {
	case err := <-m.reply:
		return err
	case <-ctx.Done():
		return c.abandon(seq, m, t.ioError(ctx, "waiting for the reply", context.Cause(ctx)), true)
	case <-expired:
		return c.abandon(seq, m, t.ioError(ctx, "waiting for the reply", os.ErrDeadlineExceeded), true)
	}
}

// unqueue takes buf's request out of the queue, and reports false if a
// writer took it first.
func (c *muxConn) unqueue(buf *frame.Buffer) bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	for i, o := range c.queue {
		if o.buf == buf {
			n := len(c.queue) - 1
			copy(c.queue[i:], c.queue[i+1:])
			c.queue[n] = muxOut{}
			c.queue = c.queue[:n]
			return true
		}
	}
	return false
}

// flush writes every request queued, in one system call where the
// connection allows it (writev on TCP), under wsem, and reports whether
// buf was among them. Its deadline is the latest of theirs, or none if
// one has none: a request is not cut short by another call's deadline. A
// cancellation of ctx, the context of the call m that writes, cuts the
// write, as it would cut that call's own. A failed write fails the
// connection before flush returns, so that a call whose request it took
// learns of it once it holds wsem.
func (c *muxConn) flush(ctx context.Context, m *muxCall, buf *frame.Buffer) (mine bool, err error) {
	c.qmu.Lock()
	batch := c.queue
	c.queue = c.spare[:0]
	c.qmu.Unlock()
	if len(batch) == 0 {
		c.spare = batch
		return false, nil
	}
	var dl time.Time
	for i, o := range batch {
		if o.deadline.IsZero() {
			dl = time.Time{}
			break
		}
		if i == 0 || o.deadline.After(dl) {
			dl = o.deadline
		}
	}
	for _, o := range batch {
		mine = mine || o.buf == buf
		c.vec = append(c.vec, o.buf.B)
	}
	c.nc.SetWriteDeadline(dl)
	var stop func() bool
	if ctx.Done() != nil {
		// A cancellation must cut a write the peer does not take. The cut
		// is waited for before the next writer sets its own deadline,
		// which it would otherwise overwrite.
		stop = context.AfterFunc(ctx, func() {
			c.nc.SetWriteDeadline(time.Unix(1, 0))
			m.cut <- struct{}{}
		})
	}
	if len(c.vec) == 1 {
		_, err = c.nc.Write(c.vec[0])
	} else {
		c.wv = c.vec
		_, err = c.wv.WriteTo(c.nc)
	}
	if stop != nil && !stop() {
		<-m.cut
	}
	clear(c.vec)
	c.vec = c.vec[:0]
	for i := range batch {
		batch[i].buf.Free()
		batch[i] = muxOut{}
	}
	c.spare = batch[:0]
	if err != nil {
		// A request cut short leaves the stream unusable for every call.
		c.fail(err)
	}
	return mine, err
}

// maxAbandoned bounds the late replies a connection waits for: a server
// that leaves that many calls unanswered is not worth more of them, and
// the connection drains.
const maxAbandoned = 4096

// abandon gives up waiting for seq's reply with err, unless the reply is
// already being delivered: then it waits for it, which takes no longer
// than decoding it. sent says the request went out, so that its late
// reply is expected.
func (c *muxConn) abandon(seq int32, m *muxCall, err error, sent bool) error {
	c.mu.Lock()
	if c.pending[seq] == m {
		delete(c.pending, seq)
		if sent {
			c.abandoned[seq] = struct{}{}
			if len(c.abandoned) > maxAbandoned {
				c.draining = true
			}
		}
		c.closeIfDrainedLocked()
		c.mu.Unlock()
		return err
	}
	c.mu.Unlock()
	return <-m.reply
}

// closeIfDrainedLocked closes a draining connection once no call waits on
// it; the reader then ends.
func (c *muxConn) closeIfDrainedLocked() {
	if c.draining && c.err == nil && len(c.pending) == 0 {
		c.err = errDrained
		c.nc.Close()
	}
}

// read delivers replies until the connection fails or is closed.
func (c *muxConn) read() {
	defer close(c.done)
	var f frame.Frame
	for {
		if err := c.fr.Next(&f); err != nil {
			c.fail(err)
			return
		}
		seq, err := replySeq(&f, c.d)
		if err != nil {
			// A reply that names no call cannot be routed, and the ones
			// after it cannot be trusted.
			c.fail(fmt.Errorf("%w: %w", frame.ErrMalformed, err))
			return
		}
		reset := f.Header.StrInfo[frame.KeyConnReset] != ""
		c.mu.Lock()
		m := c.pending[seq]
		delete(c.pending, seq)
		_, late := c.abandoned[seq]
		delete(c.abandoned, seq)
		if reset {
			c.draining = true
		}
		c.mu.Unlock()
		if m == nil && !late {
			// A reply to no call this connection sent: the stream cannot be
			// trusted, and the calls waiting on it fail now rather than at
			// their deadlines.
			c.fail(fmt.Errorf("%w: reply with sequence id %d, which no call has", volo.ErrProtocol, seq))
			return
		}
		if m != nil {
			c.d.Reset(f.Payload)
			reset, broken, err := c.t.decodeReply(m.ctx, c.d, &f, m.call, seq, m.deadline, m.hasDeadline)
			if reset {
				// A not-run refusal says the server drains, on every
				// framing.
				c.mu.Lock()
				c.draining = true
				c.told = c.told || errors.Is(err, errNotRun)
				c.mu.Unlock()
			}
			m.reply <- err
			if broken {
				c.fail(err)
				return
			}
		}
		// m is nil for the late reply of a call that gave up: dropped.
		// The decoder lets go of the frame: the next may be long in coming.
		c.d.Reset(nil)
		c.mu.Lock()
		c.closeIfDrainedLocked()
		c.mu.Unlock()
	}
}

// replySeq returns the sequence id of the reply in f: TTHeader's, which
// the reply's message repeats (decodeReply checks it), or the message's.
func replySeq(f *frame.Frame, d *thrift.Decoder) (int32, error) {
	if f.Framing == frame.TTHeader || f.Framing == frame.TTHeaderFramed {
		return f.Header.SeqID, nil
	}
	d.Reset(f.Payload)
	_, _, seq, err := d.ReadMessageBeginView()
	return seq, err
}

// fail ends the connection for cause and fails every call waiting on it.
func (c *muxConn) fail(cause error) {
	c.mu.Lock()
	if c.err == nil {
		c.err = cause
	}
	cause = c.err
	waiting := c.pending
	c.pending = make(map[int32]*muxCall)
	// A clean end of the stream, no byte of a reply pending, from a volo
	// server that refused a call as not run: what it has not answered, it
	// did not read (see told).
	notRun := c.told && cause == io.EOF
	c.mu.Unlock()
	c.nc.Close()
	for _, m := range waiting {
		switch {
		case errors.Is(cause, volo.ErrClosed):
			m.reply <- fmt.Errorf("%w: the client closed while the call waited", volo.ErrClosed)
		case notRun && m.ctx.Err() == nil:
			m.reply <- fmt.Errorf("%w: the server closed the connection it drained before reading the request: %w", volo.ErrConnection, errNotRun)
		default:
			m.reply <- c.t.ioError(m.ctx, "waiting for the reply", cause)
		}
	}
}

// muxPool keeps the multiplexed connections to one address.
type muxPool struct {
	mu    sync.Mutex
	conns []*muxConn // those that take new calls
	// retired are connections that take no new calls but may still have
	// calls waiting (draining) or a reader still ending: Close fails and
	// waits for them too.
	retired []*muxConn
	next    int
	dialing chan struct{} // closed when the dial under way ends
	closed  bool
}

// get returns a connection for a call: one of the live ones in turn, or a
// new one while there are fewer than n. Only one dial to the address runs
// at a time; calls that need it wait for it.
func (p *muxPool) get(ctx context.Context, t *transport, addr string, n int, deadline time.Time) (*muxConn, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, volo.ErrClosed
		}
		p.pruneLocked()
		if len(p.conns) > 0 && (len(p.conns) >= n || p.dialing != nil) {
			c := p.conns[p.next%len(p.conns)]
			p.next++
			p.mu.Unlock()
			return c, nil
		}
		if wait := p.dialing; wait != nil {
			p.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctxError(ctx)
			}
		}
		ready := make(chan struct{})
		p.dialing = ready
		p.mu.Unlock()

		c, err := dialMux(ctx, t, addr, deadline)
		p.mu.Lock()
		p.dialing = nil
		close(ready)
		closed := p.closed
		if err == nil && !closed {
			p.conns = append(p.conns, c)
		}
		p.mu.Unlock()
		if err == nil && closed {
			// The client closed during the dial.
			c.fail(volo.ErrClosed)
			<-c.done
			return nil, volo.ErrClosed
		}
		return c, err
	}
}

// pruneLocked retires the connections that take no new calls, and forgets
// the retired ones whose reader has ended.
func (p *muxPool) pruneLocked() {
	live := p.conns[:0]
	for _, c := range p.conns {
		if c.usable() {
			live = append(live, c)
		} else {
			p.retired = append(p.retired, c)
		}
	}
	clear(p.conns[len(live):])
	p.conns = live
	kept := p.retired[:0]
	for _, c := range p.retired {
		select {
		case <-c.done:
		default:
			kept = append(kept, c)
		}
	}
	clear(p.retired[len(kept):])
	p.retired = kept
}

// close closes every connection, retired ones included, and waits for
// their readers to end.
func (p *muxPool) close() {
	p.mu.Lock()
	conns := append(p.conns, p.retired...)
	p.conns, p.retired, p.closed = nil, nil, true
	p.mu.Unlock()
	for _, c := range conns {
		c.fail(volo.ErrClosed)
		<-c.done
	}
}
