package server

import (
	"sync/atomic"
	"time"
)

// refusalPause is how long the accept loop rests after refusing a
// connection at the cap, unless a connection ends first: a flood of
// connections costs the server at most one refusal per pause.
const refusalPause = 5 * time.Millisecond

// evictIdle is how long a connection must have been idle (no call
// running, no request for that long) before a server at its connection
// cap closes it to take a new one.
const evictIdle = time.Second

// applyLimits raises the limit on open files to its hard maximum, sets
// the connection cap in force and reports both.
func (s *Server) applyLimits() {
	was, soft, hard, ok := fileLimit()
	usable := soft - soft/fdShare // descriptors left for connections
	limit := s.cfg.maxConns
	if !s.cfg.maxConnsSet {
		limit = DefaultMaxConns
		if ok && usable < uint64(limit) {
			// Keep descriptors for the process's own files and outgoing
			// calls.
			limit = int(usable)
		}
	}
	s.mu.Lock()
	s.maxConns = limit
	s.mu.Unlock()
	if !ok {
		s.cfg.logger.Info("volo: serving", "max_conns", limit)
		return
	}
	if limit <= 0 || uint64(limit) > usable {
		s.cfg.logger.Warn("volo: the connection cap leaves too few file descriptors: accept may fail", "max_conns", limit, "nofile", soft)
	}
	s.cfg.logger.Info("volo: serving", "max_conns", limit, "nofile", soft, "nofile_hard", hard, "nofile_raised_from", was)
}

// fdShare: the default cap leaves 1/fdShare of the descriptors free.
const fdShare = 8

// evictLocked makes room at the connection cap: it closes, gracefully,
// the connection idle for longest, if one has been idle for evictIdle;
// the connections being closed so do not count against the cap, but at
// most maxConns/8 (at least one) of them at once. It reports whether it
// found one. The caller holds s.mu.
func (s *Server) evictLocked() bool {
	if s.evicting >= max(1, s.maxConns/8) {
		return false
	}
	cutoff := time.Now().Add(-evictIdle).UnixNano()
	var oldest *conn
	var at int64
	for c := range s.conns {
		if c.evict.Load() || c.draining.Load() || c.active.Load() != 0 || !c.isWaiting() {
			continue
		}
		if a := c.activity.Load(); a <= cutoff && (oldest == nil || a < at) {
			oldest, at = c, a
		}
	}
	if oldest == nil {
		return false
	}
	oldest.evict.Store(true)
	s.evicting++
	oldest.wake()
	return true
}

// isWaiting reports whether the reader waits between requests.
func (c *conn) isWaiting() bool {
	c.dlMu.Lock()
	defer c.dlMu.Unlock()
	return c.waiting
}

// logNow reports whether a rate-limited log line may be written now: at
// most one a second for each last.
func (s *Server) logNow(last *atomic.Int64) bool {
	now := time.Now().UnixNano()
	prev := last.Load()
	return now-prev >= int64(time.Second) && last.CompareAndSwap(prev, now)
}
