package server

import (
	"sync"
	"sync/atomic"
)

// budget counts the bytes a server holds for its calls: each request's
// frame from when it is read until its call ends, and each reply from when
// it is encoded until it is written. Over the budget, the connections that
// hold the bytes stop reading (backpressure through TCP), while those that
// hold nothing go on: a peer that sends requests and never reads the
// replies stops itself, not the others.
type budget struct {
	max   int64 // <= 0: no budget
	share int64 // what one connection may hold and still read, under max
	used  atomic.Int64

	waiters atomic.Int32
	mu      sync.Mutex
	wakeCh  chan struct{} // closed, and replaced, when bytes are released while someone waits
}

// connShare is the part of the budget one connection may hold and still
// read more requests: a connection does not take the whole budget alone.
const connShare = 8

func newBudget(max int64) budget {
	return budget{max: max, share: max / connShare, wakeCh: make(chan struct{})}
}

func (b *budget) charge(c *conn, n int64) {
	if b.max <= 0 || n == 0 {
		return
	}
	c.inflight.Add(n)
	b.used.Add(n)
}

func (b *budget) release(c *conn, n int64) {
	if b.max <= 0 || n == 0 {
		return
	}
	c.inflight.Add(-n)
	b.used.Add(-n)
	if b.waiters.Load() > 0 {
		b.mu.Lock()
		close(b.wakeCh)
		b.wakeCh = make(chan struct{})
		b.mu.Unlock()
	}
}

// allows reports whether c may read another request: it holds nothing
// (so every peer makes progress), or it holds less than its share and the
// server is under its budget.
func (b *budget) allows(c *conn) bool {
	mine := c.inflight.Load()
	return b.max <= 0 || mine == 0 || mine < b.share && b.used.Load() < b.max
}

func (b *budget) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.wakeCh
}

// admit waits until the connection may read another request. It reports
// false if the server began to close, or the connection was closed,
// meanwhile.
func (c *conn) admit() bool {
	b := &c.s.budget
	if b.allows(c) {
		return true
	}
	if n := c.s.pauses.Add(1); c.s.logNow(&c.s.pauseLogged) {
		c.s.cfg.logger.Warn("volo: bytes in flight over the budget, pausing reads of a connection",
			"remote", c.remote, "conn_bytes", c.inflight.Load(), "server_bytes", b.used.Load(), "budget", b.max, "pauses", n)
	}
	for {
		b.waiters.Add(1)
		wake := b.wait()
		if b.allows(c) {
			b.waiters.Add(-1)
			return true
		}
		select {
		case <-wake:
		case <-c.s.closed:
			b.waiters.Add(-1)
			return false
		case <-c.done:
			b.waiters.Add(-1)
			return false
		}
		b.waiters.Add(-1)
	}
}
