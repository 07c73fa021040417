package server

import (
	"errors"
	"net"
	"time"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

// drainQuiet is how long a draining connection with no call running waits
// for another request before it ends its side of the stream. A request the
// peer sent before it saw the drain arrives within a round trip: it is
// answered with the not-run refusal instead of being cut off by the end of
// the stream. It is also how long the linger waits with nothing sent and
// nothing arriving before it closes early (see linger).
const drainQuiet = 500 * time.Millisecond

// drain closes the connection without losing a reply: it goes on reading,
// and answers each new request with the not-run refusal (and crrst on
// TTHeader) until the calls running have replied and the peer has closed
// the connection, or, if nothing told the peer of the drain, has been
// quiet for drainQuiet; at the latest once the linger time has passed
// since the drain began. Then it ends its side of the stream (half-close) and reads and
// discards what the peer still sends, until the peer ends its side or the
// linger time runs out (see linger). Closing a socket with unread bytes
// would have the kernel answer with a reset, which destroys the replies
// not yet delivered.
func (c *conn) drain() {
	c.draining.Store(true)
	began := time.Now()
	var sent time.Time // when the peer was last seen not to have every reply byte
	for {
		if c.br.Buffered() == 0 {
			c.d.Reset(nil)
			c.fr.Release()
		}
		switch {
		case c.br.Buffered() > 0:
			// A request is there already.
		case c.active.Load() == 0:
			// Quiet means nothing read, no call ended and every reply
			// delivered for drainQuiet: a peer that has just got a reply
			// may send another request on the connection, which must
			// find the server still reading, to be refused.
			now := time.Now()
			poll := now.Add(drainQuiet)
			if n, ok := unacked(c.nc); ok && n > 0 {
				sent, poll = now, now.Add(drainQuiet/4)
			}
			until := time.Unix(0, c.activity.Load())
			if sent.After(until) {
				until = sent
			}
			until = until.Add(drainQuiet)
			if c.told.Load() {
				// The peer was told the connection drains (crrst, or a
				// refusal): volo's clients close it once their calls
				// are answered, which may be well after the replies
				// arrived, when a large one is still being read. Until
				// then a request is still refused, not thrown away.
				until = began.Add(c.s.cfg.linger)
			}
			if limit := began.Add(c.s.cfg.linger); c.s.cfg.linger > 0 && limit.Before(until) {
				until = limit
			}
			if !now.Before(until) {
				c.calls.Wait()
				c.linger()
				return
			}
			if poll.Before(until) {
				until = poll
			}
			c.waitUntil(until)
		default:
			c.waitUntil(time.Time{})
			// The last call may have ended before the wait was set: its
			// wake came too early.
			if c.active.Load() == 0 {
				continue
			}
		}
		_, err := c.br.Peek(1)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			// The peer ended its side, or the connection failed or was
			// closed by Shutdown's deadline or Close: nothing more comes,
			// so nothing unread can cause a reset.
			c.calls.Wait()
			c.closeNow()
			return
		}
		c.readDeadline(c.s.cfg.readTimeout)
		var f frame.Frame
		if err := c.fr.Next(&f); err != nil {
			c.readFailed(err)
			c.calls.Wait()
			c.closeNow()
			return
		}
		c.read()
		if !c.refuse(&f) {
			c.calls.Wait()
			c.closeNow()
			return
		}
	}
}

// refuse answers the request in f with the not-run refusal, without
// running it. A oneway request is dropped. It reports false if the
// message's header cannot be read.
func (c *conn) refuse(f *frame.Frame) bool {
	c.d.Reset(f.Payload)
	raw, typ, seq, err := c.d.ReadMessageBeginView()
	if err != nil {
		c.readFailed(err)
		return false
	}
	if typ == thrift.MessageOneway {
		return true
	}
	service := f.Header.StrInfo[frame.KeyIDLServiceName]
	if rt := c.s.lookup(service, raw); rt != nil && rt.desc.Oneway {
		return true
	}
	r := &request{framing: f.Framing, header: f.Header, seq: seq, name: string(raw)}
	c.write(r, nil, thrift.MessageException, notRun)
	return true
}

// linger ends the server's side of the stream after the last reply, then
// reads and discards what the peer still sends until it ends its side too,
// so that no unread byte makes the kernel reset the connection while the
// replies are still on their way. It gives up after the linger time (see
// WithLinger), or earlier where the system tells that every byte sent
// has been acknowledged, the end of stream included, and nothing arrived
// for drainQuiet. A connection that cannot be half-closed is closed.
func (c *conn) linger() {
	cw, ok := c.nc.(interface{ CloseWrite() error })
	if !ok || c.s.cfg.linger <= 0 {
		c.closeNow()
		return
	}
	c.wmu.Lock()
	err := cw.CloseWrite()
	c.wmu.Unlock()
	if err != nil {
		c.closeNow()
		return
	}
	now := time.Now()
	deadline, last := now.Add(c.s.cfg.linger), now
	for {
		step := deadline
		if poll := now.Add(drainQuiet / 4); poll.Before(step) && canTellUnacked {
			step = poll
		}
		c.waitUntil(step)
		_, err := c.br.Peek(1)
		c.br.Discard(c.br.Buffered())
		now = time.Now()
		if err == nil {
			last = now
			continue
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || !now.Before(deadline) {
			break
		}
		if n, ok := unacked(c.nc); ok && n == 0 && now.Sub(last) >= drainQuiet {
			break
		}
	}
	c.closeNow()
}
