package metainfo

import (
	"context"
	"iter"
)

// WithValue returns a copy of ctx that carries the transient value v under
// key k. A transient value is sent to the next service only: the callee
// reads it with [GetValue] but does not send it on. Setting a key that came
// from the caller makes it the caller's own transient value again, so it is
// sent on.
//
// WithValue allocates once. Keys and values are checked when they are
// encoded, not here: a bad or empty one makes the encoder return an error
// naming it. Like [context.WithValue], it panics if ctx is nil.
func WithValue(ctx context.Context, k, v string) context.Context {
	p := getNode(ctx)
	if p == nil {
		return newRoot(ctx, false, k, v)
	}
	if i := find(p.transient(), k); i >= 0 {
		i += int(p.np)
		if p.refs[i].val == v {
			return ctx
		}
		return p.derive(ctx, edit{has: true, replace: true, e: entry{k, v}, at: i, drop: -1, np: p.np, nt: p.nt})
	}
	drop := find(p.upstream(), k)
	if drop >= 0 {
		drop += int(p.nt)
	}
	return p.derive(ctx, edit{has: true, e: entry{k, v}, at: int(p.nt), drop: drop, np: p.np, nt: p.nt + 1})
}

// WithValues is [WithValue] for several pairs k1, v1, k2, v2, ... in one
// allocation. A trailing key without a value is stored with an empty
// value, which the encoder reports.
func WithValues(ctx context.Context, kvs ...string) context.Context {
	return withMany(ctx, false, kvs)
}

// GetValue returns the transient value under k: one set in this service
// with [WithValue], or one received from the caller. It never allocates.
func GetValue(ctx context.Context, k string) (string, bool) {
	if n := getNode(ctx); n != nil {
		refs := n.forward()
		if i := find(refs, k); i >= 0 {
			return refs[i].val, true
		}
	}
	return "", false
}

// DelValue returns a copy of ctx without the transient value under k,
// whether set here or received from the caller.
func DelValue(ctx context.Context, k string) context.Context {
	if p := getNode(ctx); p != nil {
		if i := find(p.forward(), k); i >= 0 {
			i += int(p.np)
			nt := p.nt
			if i < int(nt) {
				nt--
			}
			return p.derive(ctx, edit{at: -1, drop: i, np: p.np, nt: nt})
		}
	}
	return ctx
}

// GetAllValues returns the transient values, both set here and received,
// in a new map, or nil if there are none.
func GetAllValues(ctx context.Context) map[string]string {
	n := getNode(ctx)
	if n == nil {
		return nil
	}
	return toMap(n.forward())
}

// Values iterates over the transient values, set here and received,
// without allocating.
func Values(ctx context.Context) iter.Seq2[string, string] {
	return func(yield func(k, v string) bool) { getNode(ctx).rangeForward(yield) }
}

// CountValues returns the number of transient values, set here and
// received.
func CountValues(ctx context.Context) int {
	if n := getNode(ctx); n != nil {
		return len(n.forward())
	}
	return 0
}

// TransferForward returns a copy of ctx prepared for the next hop, as the
// server side of a call does: transient values become upstream values
// (readable, not sent on) and the upstream values are dropped. Persistent
// values stay. The decoders of [Codec] do this themselves; a framework that
// hands a context from server to client in-process calls it.
func TransferForward(ctx context.Context) context.Context {
	p := getNode(ctx)
	if p == nil || len(p.forward()) == 0 {
		return ctx
	}
	r, _ := newNode(int(p.nt))
	r.adopt(ctx)
	copy(r.refs, p.refs[:p.nt])
	r.np, r.nt, r.depth = p.np, p.np, p.depth
	return r
}

// HasMetaInfo reports whether ctx carries forward metainfo.
func HasMetaInfo(ctx context.Context) bool {
	n := getNode(ctx)
	return n != nil && len(n.refs) > 0
}

func (n *node) rangeForward(yield func(k, v string) bool) {
	if n == nil {
		return
	}
	for _, e := range n.forward() {
		if !yield(e.key, e.val) {
			return
		}
	}
}

func (n *node) rangePersistent(yield func(k, v string) bool) {
	if n == nil {
		return
	}
	for _, e := range n.persistent() {
		if !yield(e.key, e.val) {
			return
		}
	}
}

func toMap(refs []*entry) map[string]string {
	if len(refs) == 0 {
		return nil
	}
	m := make(map[string]string, len(refs))
	for _, e := range refs {
		m[e.key] = e.val
	}
	return m
}

// newRoot starts the metainfo of a chain with one value.
func newRoot(ctx context.Context, persistent bool, k, v string) *node {
	if ctx == nil {
		panic("metainfo: cannot create context from nil parent")
	}
	n, own := newNode(1)
	n.adopt(ctx)
	*own = entry{k, v}
	n.refs[0] = own
	n.nt, n.depth = 1, 1
	if persistent {
		n.np = 1
	}
	return n
}

// empty stands in for a chain without metainfo.
var empty node

// withMany sets several persistent or transient pairs in one new node,
// which holds copies of all its entries.
func withMany(ctx context.Context, persistent bool, kvs []string) context.Context {
	if len(kvs) == 0 {
		return ctx
	}
	if ctx == nil {
		panic("metainfo: cannot create context from nil parent")
	}
	if len(kvs)%2 == 1 {
		kvs = append(kvs[:len(kvs):len(kvs)], "")
	}
	p := getNode(ctx)
	if p == nil {
		p = &empty
	}
	r, own := newFlat(len(p.refs) + len(kvs)/2)
	r.adopt(ctx)
	lo, hi := 0, int(p.nt) // the segment that receives the pairs
	if persistent {
		hi = int(p.np)
	} else {
		lo = int(p.np)
	}
	w := 0
	for _, e := range p.refs[:hi] {
		own[w] = *e
		w++
	}
	for i := 0; i < len(kvs); i += 2 {
		if j := findOwn(own[lo:w], kvs[i]); j >= 0 {
			own[lo+j].val = kvs[i+1]
			continue
		}
		own[w] = entry{kvs[i], kvs[i+1]}
		w++
	}
	added := int32(w - hi)
	if persistent {
		for _, e := range p.refs[hi:] {
			own[w] = *e
			w++
		}
		r.np, r.nt = p.np+added, p.nt+added
	} else {
		r.np, r.nt = p.np, int32(w)
		for _, e := range p.upstream() {
			if findOwn(own[lo:r.nt], e.key) < 0 {
				own[w] = *e
				w++
			}
		}
	}
	r.refs = r.refs[:w]
	for i := range r.refs {
		r.refs[i] = &own[i]
	}
	r.depth = 1
	return r
}
