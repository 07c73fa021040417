package circuitbreaker

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/govolo/volo/motore"
)

// Group keeps one breaker per key, chosen for each call by a key function:
// per method, per instance, or per anything the caller knows. One key
// tripping leaves the others closed. The set of keys is bounded, idle keys
// expire, and a key can be removed when, say, its instance leaves. Make it
// with [NewGroup].
type Group[Req, Resp any] struct {
	key      func(ctx context.Context, req Req) string
	classify Classifier[Resp]
	config   config
	maxKeys  int
	idle     time.Duration
	desc     string

	// m maps a key to its *breaker. A call that finds its key reads it
	// without a lock; adding and dropping keys go through mu.
	m         sync.Map
	mu        sync.Mutex
	n         int
	lastSweep time.Time
}

// NewGroup returns a group of breakers, one per key returned by key,
// configured by opts; see the With... functions for each setting and its
// default. Every key's breaker has the same settings. classify is as for
// [New]: typed by the response, and nil for [ClassifyError]. Written
// NewGroup[*Req, *Resp](key, nil).
//
// The empty string is a key like any other. To break per instance, pass a
// function that reads the instance the load balancer picked (for example
// from ctx); this package needs no import of the balancer for that.
func NewGroup[Req, Resp any](key func(ctx context.Context, req Req) string, classify Classifier[Resp], opts ...GroupOption) *Group[Req, Resp] {
	c := groupConfig(opts)
	idle := "no idle expiry"
	if c.idleTimeout > 0 {
		idle = fmt.Sprintf("idle %v", c.idleTimeout)
	}
	return &Group[Req, Resp]{
		key:       key,
		classify:  classify,
		config:    c,
		maxKeys:   c.maxKeys,
		idle:      c.idleTimeout,
		desc:      fmt.Sprintf("circuitbreaker per key(%s, max %d keys, %s)", c.describe(), c.maxKeys, idle),
		lastSweep: time.Now(),
	}
}

// Layer wraps next so that each call goes through the breaker of its key. A
// nil next or key function panics with a *motore.BuildError when the stack
// is built (motore.Build returns it as an error), never at call time. All
// services built with one group share its breakers.
func (g *Group[Req, Resp]) Layer(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	var err error
	if g.key == nil {
		err = motore.ErrNilFunc
	}
	motore.CheckBuild(g.desc, next, err)
	return &groupService[Req, Resp]{g: g, next: next}
}

// Describe names the layer and its policy.
func (g *Group[Req, Resp]) Describe() string { return g.desc }

// Snapshot returns the state and counts of key's breaker, and false if the
// group has no breaker for key. Reading a key does not keep it from
// expiring.
func (g *Group[Req, Resp]) Snapshot(key string) (Snapshot, bool) {
	v, ok := g.m.Load(key)
	if !ok {
		return Snapshot{Key: key}, false
	}
	return v.(*breaker).snapshot(), true
}

// Snapshots returns the state and counts of every key, sorted by key, for
// metrics and debugging.
func (g *Group[Req, Resp]) Snapshots() []Snapshot {
	var out []Snapshot
	g.m.Range(func(_, v any) bool {
		out = append(out, v.(*breaker).snapshot())
		return true
	})
	slices.SortFunc(out, func(a, b Snapshot) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// Remove forgets key's breaker, for an instance that left; a later call
// with key starts a new, closed breaker. It reports whether key was there.
func (g *Group[Req, Resp]) Remove(key string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.m.LoadAndDelete(key); !ok {
		return false
	}
	g.n--
	return true
}

// Len returns the number of keys the group holds.
func (g *Group[Req, Resp]) Len() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// get returns key's breaker: one map read when the key is known.
func (g *Group[Req, Resp]) get(key string) *breaker {
	if v, ok := g.m.Load(key); ok {
		b := v.(*breaker)
		// Read before writing, so that a busy key does not write a shared
		// cache line on every call.
		if !b.used.Load() {
			b.used.Store(true)
		}
		return b
	}
	return g.add(key)
}

func (g *Group[Req, Resp]) add(key string) *breaker {
	g.mu.Lock()
	defer g.mu.Unlock()
	if v, ok := g.m.Load(key); ok {
		return v.(*breaker)
	}
	if now := time.Now(); g.idle > 0 && now.Sub(g.lastSweep) >= g.idle {
		g.sweepLocked(now)
	}
	if g.n >= g.maxKeys {
		g.evictLocked()
	}
	b := newBreaker(key, &g.config)
	b.used.Store(true)
	g.m.Store(key, b)
	g.n++
	return b
}

// sweepLocked drops the keys not used since the previous sweep, which was
// at least one idle timeout ago, and starts a new period for the others.
func (g *Group[Req, Resp]) sweepLocked(now time.Time) {
	g.m.Range(func(k, v any) bool {
		if !v.(*breaker).used.Swap(false) {
			g.m.Delete(k)
			g.n--
		}
		return true
	})
	g.lastSweep = now
}

// evictLocked makes room for one key. It prefers a closed breaker not used
// since the last sweep, then any closed one, then any: an open breaker
// holds what the group learned about a sick key, so it goes last.
func (g *Group[Req, Resp]) evictLocked() {
	var closed, other any
	g.m.Range(func(k, v any) bool {
		b := v.(*breaker)
		used := b.used.Load()
		if closed != nil && used {
			return true // cannot beat the candidate
		}
		if b.closed() {
			closed = k
			return used // an unused closed breaker is the best there is
		}
		if other == nil {
			other = k
		}
		return true
	})
	victim := closed
	if victim == nil {
		victim = other
	}
	if victim != nil {
		g.m.Delete(victim)
		g.n--
	}
}

type groupService[Req, Resp any] struct {
	g    *Group[Req, Resp]
	next motore.Service[Req, Resp]
}

func (s *groupService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	g := s.g
	return call(ctx, g.get(g.key(ctx, req)), g.classify, s.next, req)
}

func (s *groupService[Req, Resp]) Describe() string { return s.g.desc }
func (s *groupService[Req, Resp]) Unwrap() any      { return s.next }
