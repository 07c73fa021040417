package ratelimit

import (
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// keyStore holds one token bucket per key, at most max of them, in a map
// and a list ordered by last use. The least recently used key is dropped
// when a new one needs room, and keys idle too long are dropped lazily, a
// few per call, from the cold end of the list: no goroutine, nothing to
// close.
type keyStore struct {
	base time.Time // origin of entry.last, read on the monotonic clock

	mu    sync.Mutex
	m     map[string]*keyEntry
	ring  keyEntry // sentinel: ring.next is the most recent, ring.prev the least
	max   int
	idle  time.Duration // as configured
	limit rate.Limit
	burst int
	ttl   int64 // effective idle timeout in ns: max(idle, refill time)
}

type keyEntry struct {
	key        string
	lim        *rate.Limiter
	last       int64 // ns since base
	prev, next *keyEntry
}

// expirePerCall bounds the work a call does to drop idle keys. Two per call
// is enough to keep up: a call adds at most one key.
const expirePerCall = 2

func newKeyStore(limit rate.Limit, burst, maxKeys int, idle time.Duration) *keyStore {
	s := &keyStore{
		base:  time.Now(),
		m:     make(map[string]*keyEntry),
		max:   maxKeys,
		idle:  idle,
		limit: limit,
		burst: burst,
	}
	s.ring.next, s.ring.prev = &s.ring, &s.ring
	s.ttl = s.effectiveTTL()
	return s
}

// limiter returns key's bucket, creating it if needed. The bucket is never
// reused for another key, so a caller may use it after the lock is released
// even if the key is evicted meanwhile.
func (s *keyStore) limiter(key string, now time.Time) *rate.Limiter {
	t := int64(now.Sub(s.base))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(t, expirePerCall)
	if e := s.m[key]; e != nil {
		e.last = t
		s.unlink(e)
		s.pushFront(e)
		return e.lim
	}
	var e *keyEntry
	if len(s.m) >= s.max {
		e = s.ring.prev
		s.unlink(e)
		delete(s.m, e.key)
	} else {
		e = new(keyEntry)
	}
	e.key, e.last, e.lim = key, t, rate.NewLimiter(s.limit, s.burst)
	s.m[key] = e
	s.pushFront(e)
	return e.lim
}

// expireLocked drops up to n keys idle for longer than the ttl at t; n < 0
// drops all of them.
func (s *keyStore) expireLocked(t int64, n int) {
	for ; n != 0; n-- {
		e := s.ring.prev
		if e == &s.ring || t-e.last <= s.ttl {
			return
		}
		s.unlink(e)
		delete(s.m, e.key)
	}
}

func (s *keyStore) len() int {
	t := int64(time.Since(s.base))
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expireLocked(t, -1)
	return len(s.m)
}

func (s *keyStore) settings() (rate.Limit, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limit, s.burst
}

func (s *keyStore) setLimit(limit rate.Limit) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limit = limit
	s.ttl = s.effectiveTTL()
	for _, e := range s.m {
		e.lim.SetLimitAt(now, limit)
	}
}

func (s *keyStore) setBurst(burst int) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.burst = burst
	s.ttl = s.effectiveTTL()
	for _, e := range s.m {
		e.lim.SetBurstAt(now, burst)
	}
}

// effectiveTTL is the idle timeout, raised to the refill time of a bucket:
// dropping a key whose bucket is not yet full again would hand it tokens it
// has not earned.
func (s *keyStore) effectiveTTL() int64 {
	ttl := s.idle
	if s.limit != rate.Inf && s.burst > 0 {
		refill := float64(s.burst) / float64(s.limit) * float64(time.Second)
		if s.limit <= 0 || refill >= math.MaxInt64 {
			// Never refills (in practice): forgetting the key would.
			return math.MaxInt64
		}
		ttl = max(ttl, time.Duration(refill))
	}
	return int64(ttl)
}

func (s *keyStore) unlink(e *keyEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
}

func (s *keyStore) pushFront(e *keyEntry) {
	e.prev, e.next = &s.ring, s.ring.next
	s.ring.next.prev = e
	s.ring.next = e
}
