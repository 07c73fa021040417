package metainfo

import (
	"context"
	"strconv"
	"sync/atomic"
)

// entry is one key/value pair. Nodes share entries by pointer, so adding a
// value copies pointers, not pairs.
type entry struct {
	key, val string
}

func (e entry) name() string  { return e.key }
func (e entry) value() string { return e.val }

// nodeKey finds the metainfo node in a context chain.
type nodeKey struct{}

// node is a context that holds all forward values of its chain, immutable
// once built: persistent values in refs[:np], transient values in
// refs[np:nt], and upstream values (transient values received from the
// caller, readable but not sent on) in refs[nt:]. A key is never both
// transient and upstream.
//
// Every change builds a new node in one allocation that holds the node, its
// refs and the new entry; the other refs point into older blocks. depth
// bounds how many blocks the refs point into: past maxDepth the change
// copies all entries into the new block instead, so an old block, and the
// dead entries it refers to, is never kept alive for long.
//
// Encoders memoize their work on a node, which never changes: checked holds
// the limits (see limits.stamp) its request values last passed, and names
// their TTHeader map keys, so a context sent more than once (fan-out,
// retries) is checked and named once.
type node struct {
	context.Context
	refs    []*entry
	np, nt  int32
	depth   int32
	checked atomic.Uint64
	names   atomic.Pointer[string]
}

// maxDepth is how many blocks a node's refs may point into before a change
// compacts them into one.
const maxDepth = 8

// Value returns the node itself for nodeKey and asks the parent otherwise.
func (n *node) Value(key any) any {
	if _, ok := key.(nodeKey); ok {
		return n
	}
	return n.Context.Value(key)
}

// String names the context without showing values, which may be secrets.
func (n *node) String() string {
	return contextName(n.Context) + ".WithMetainfo(" + strconv.Itoa(len(n.refs)) + " values)"
}

func contextName(c context.Context) string {
	if s, ok := c.(interface{ String() string }); ok {
		return s.String()
	}
	return "context"
}

func (n *node) persistent() []*entry { return n.refs[:n.np] }
func (n *node) transient() []*entry  { return n.refs[n.np:n.nt] }
func (n *node) upstream() []*entry   { return n.refs[n.nt:] }

// forward returns the transient and upstream values, which are contiguous.
func (n *node) forward() []*entry { return n.refs[n.np:] }

// getNode returns the context's node, or nil. A node on top of the chain,
// the common case right after a With call, is found without a Value walk.
func getNode(ctx context.Context) *node {
	if n, ok := ctx.(*node); ok {
		return n
	}
	if ctx == nil {
		return nil
	}
	n, _ := ctx.Value(nodeKey{}).(*node)
	return n
}

// find returns the index of key in refs, or -1. Keys often differ only in
// their last byte, so that byte is compared before the whole key.
func find(refs []*entry, key string) int {
	if key == "" {
		for i, e := range refs {
			if e.key == "" {
				return i
			}
		}
		return -1
	}
	last := len(key) - 1
	for i, e := range refs {
		if len(e.key) == len(key) && e.key[last] == key[last] && e.key == key {
			return i
		}
	}
	return -1
}

// findOwn is find for entries held by value.
func findOwn(kvs []entry, key string) int {
	for i := range kvs {
		if kvs[i].key == key {
			return i
		}
	}
	return -1
}

// edit describes a node derived from another: the new entry (if has)
// replaces the ref at index at (if replace) or is inserted before it, and
// the ref at index drop (if >= 0, and not before at) goes. np and nt are
// the new bounds.
type edit struct {
	has, replace bool
	e            entry
	at, drop     int
	np, nt       int32
}

// derive builds the node over parent that ed makes of p, in one allocation.
func (p *node) derive(parent context.Context, ed edit) *node {
	size := len(p.refs)
	depth := p.depth
	if ed.has {
		depth++
		if !ed.replace {
			size++
		}
	}
	if ed.drop >= 0 {
		size--
	}
	var (
		r    *node
		slot *entry
		own  []entry
	)
	if depth > maxDepth {
		r, own = newFlat(size)
		if size > 0 {
			slot = &own[size-1]
		}
	} else {
		r, slot = newNode(size)
	}
	r.adopt(parent)
	if ed.has {
		*slot = ed.e
	}
	w, src := 0, 0
	if ed.has {
		w = copy(r.refs, p.refs[:ed.at])
		r.refs[w] = slot
		w++
		src = ed.at
		if ed.replace {
			src++
		}
	}
	if ed.drop >= 0 {
		w += copy(r.refs[w:], p.refs[src:ed.drop])
		src = ed.drop + 1
	}
	copy(r.refs[w:], p.refs[src:])
	if own != nil {
		// The new entry sits in the last slot, which the loop reads before
		// it overwrites it.
		for i, e := range r.refs {
			own[i] = *e
			r.refs[i] = &own[i]
		}
		depth = 1
	}
	r.np, r.nt, r.depth = ed.np, ed.nt, depth
	return r
}
