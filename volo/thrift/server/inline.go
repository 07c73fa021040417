package server

import "time"

// A call runs on the goroutine that read it when it is the only one on its
// connection and the peer sent nothing after it: the usual case of a
// client that waits for each reply before it sends the next call (a pooled
// client, Apache's clients, Kitex's default). It then costs no hand-off to
// a worker, which is most of what a server adds to a call beyond its two
// system calls. While such a call runs nobody reads its connection, so a
// request the peer sends meanwhile waits. Two things bound that wait:
//
//   - A connection whose peer is seen to send a request while another is
//     running, or before the last one was started (a multiplexing client),
//     runs every call on a worker from then on.
//   - The server's watchdog hands the reading of a connection whose call
//     has run inline for a full inlineTick to a new goroutine, and the
//     goroutine running the call becomes one of the connection's workers
//     when it ends. A request sent behind a long call waits at most about
//     two ticks, once.
//
// The states of conn.inl.
const (
	inlNone    = iota // the reader reads, or hands calls to workers
	inlRunning        // the reader is running a call
	inlHanded         // the watchdog gave the reading to a new goroutine during that call
)

// inlineTick is how often the watchdog looks at the connections running a
// call inline. A call that has run inline for a full tick hands the
// reading of its connection over.
const inlineTick = 2 * time.Millisecond

// watchdogRest is how many ticks the watchdog goes on without finding a
// call running inline before it ends; the next inline call starts it again.
const watchdogRest = 64

// inline runs r on the reader's goroutine. It reports false if the reading
// of the connection was handed to another goroutine meanwhile: the caller
// is then no longer the connection's reader.
func (c *conn) inline(r *request) bool {
	c.inlTick.Store(c.s.tick.Load())
	c.inl.Store(inlRunning)
	if !c.s.watching.Load() {
		c.s.watch()
	}
	c.run(r)
	if c.inl.CompareAndSwap(inlRunning, inlNone) {
		return true
	}
	// Only this goroutine moves the state on from inlHanded: the new
	// reader does not run a call inline until it is back at inlNone.
	c.inl.Store(inlNone)
	return false
}

// watch starts the watchdog unless it runs. A server that is shutting
// down starts it too: a call running inline during the drain still hands
// the reading over, so that what the peer sends behind it is refused at
// once. The connection's goroutine, counted in s.wg, calls it, so the
// count is never zero here.
func (s *Server) watch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watching.Load() {
		return
	}
	s.watching.Store(true)
	s.wg.Add(1)
	go s.watchdog()
}

// watchdog hands over the reading of each connection whose call has run
// inline for a full tick, until no call has run inline for watchdogRest
// ticks, or for one once the server is closing.
func (s *Server) watchdog() {
	defer s.wg.Done()
	t := time.NewTicker(inlineTick)
	defer t.Stop()
	rest := 0
	for range t.C {
		tick := s.tick.Add(1)
		s.mu.Lock()
		if s.handOver(tick) {
			rest = 0
		} else if rest++; rest >= watchdogRest || s.closing.Load() {
			// A connection that began a call inline before it saw the
			// flag cleared is found by the second look; one that began
			// after sees it cleared and starts a watchdog itself.
			s.watching.Store(false)
			if !s.handOver(tick) {
				s.mu.Unlock()
				return
			}
			s.watching.Store(true)
			rest = 0
		}
		s.mu.Unlock()
	}
}

// handOver gives a new reader to each connection whose call has run
// inline since before the last tick, under s.mu. It reports whether any
// connection was running a call inline.
func (s *Server) handOver(tick int64) bool {
	found := false
	for c := range s.conns {
		if c.inl.Load() != inlRunning {
			continue
		}
		found = true
		if tick-c.inlTick.Load() < 2 || !c.inl.CompareAndSwap(inlRunning, inlHanded) {
			continue
		}
		s.wg.Add(1)
		go c.serve()
	}
	return found
}
