package server

import (
	"sync/atomic"
	"time"
)

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
// The states of an inlineSlot.
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
	c.inl.tick.Store(c.s.tick.Load())
	c.inl.state.Store(inlRunning)
	if !c.s.watching.Load() {
		c.s.watch()
	}
	return !c.run(r, true)
}

// endInline ends the running of a call inline, and reports whether the
// watchdog handed the reading over meanwhile.
func (c *conn) endInline() (handed bool) {
	if c.inl.state.CompareAndSwap(inlRunning, inlNone) {
		return false
	}
	// Only this goroutine moves the state on from inlHanded: the new
	// reader does not run a call inline until it is back at inlNone.
	c.inl.state.Store(inlNone)
	return true
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
	for ci, ch := range s.slots {
		n := min(slotChunk, s.nslots-ci*slotChunk)
		for i := range n {
			sl := &ch.slots[i]
			if sl.state.Load() != inlRunning {
				continue
			}
			found = true
			if tick-sl.tick.Load() < 2 || !sl.state.CompareAndSwap(inlRunning, inlHanded) {
				continue
			}
			s.wg.Add(1)
			go ch.conns[i].serve()
		}
	}
	return found
}

// inlineSlot is a connection's state for the watchdog. The slots of all
// connections lie together in chunks, so that the watchdog's look at each
// is a walk over contiguous memory, not a cache miss per connection.
type inlineSlot struct {
	state atomic.Int32 // inlNone, inlRunning or inlHanded
	tick  atomic.Int64 // the watchdog's tick when the call running inline began
}

// slotChunk is how many slots a chunk holds; chunks never move, so a
// connection may keep a pointer to its slot.
const slotChunk = 256

type slotBlock struct {
	slots [slotChunk]inlineSlot
	conns [slotChunk]*conn
}

// takeSlot gives c a slot, under s.mu.
func (s *Server) takeSlot(c *conn) {
	var i int
	if n := len(s.freeSlots); n > 0 {
		i = s.freeSlots[n-1]
		s.freeSlots = s.freeSlots[:n-1]
	} else {
		i = s.nslots
		s.nslots++
		if i/slotChunk == len(s.slots) {
			s.slots = append(s.slots, new(slotBlock))
		}
	}
	ch := s.slots[i/slotChunk]
	c.inl, c.inlIdx = &ch.slots[i%slotChunk], i
	c.inl.state.Store(inlNone)
	ch.conns[i%slotChunk] = c
}

// freeSlot gives c's slot back, under s.mu. The connection's goroutines
// are done with it: none runs a call inline any more.
func (s *Server) freeSlot(c *conn) {
	s.slots[c.inlIdx/slotChunk].conns[c.inlIdx%slotChunk] = nil
	c.inl.state.Store(inlNone)
	s.freeSlots = append(s.freeSlots, c.inlIdx)
}
