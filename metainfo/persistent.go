package metainfo

import (
	"context"
	"iter"
)

// WithPersistentValue returns a copy of ctx that carries the persistent
// value v under key k. A persistent value is sent on every following hop.
//
// WithPersistentValue allocates once. Keys and values are checked when they
// are encoded. Like [context.WithValue], it panics if ctx is nil.
func WithPersistentValue(ctx context.Context, k, v string) context.Context {
	p := getNode(ctx)
	if p == nil {
		return newRoot(ctx, true, k, v)
	}
	if i := find(p.persistent(), k); i >= 0 {
		if p.refs[i].val == v {
			return ctx
		}
		return p.derive(ctx, edit{has: true, replace: true, e: entry{k, v}, at: i, drop: -1, np: p.np, nt: p.nt})
	}
	return p.derive(ctx, edit{has: true, e: entry{k, v}, at: int(p.np), drop: -1, np: p.np + 1, nt: p.nt + 1})
}

// WithPersistentValues is [WithPersistentValue] for several pairs k1, v1,
// k2, v2, ... in one allocation. A trailing key without a value is stored
// with an empty value, which the encoder reports.
func WithPersistentValues(ctx context.Context, kvs ...string) context.Context {
	return withMany(ctx, true, kvs)
}

// GetPersistentValue returns the persistent value under k. It never
// allocates.
func GetPersistentValue(ctx context.Context, k string) (string, bool) {
	if n := getNode(ctx); n != nil {
		refs := n.persistent()
		if i := find(refs, k); i >= 0 {
			return refs[i].val, true
		}
	}
	return "", false
}

// DelPersistentValue returns a copy of ctx without the persistent value
// under k, so it is not sent on.
func DelPersistentValue(ctx context.Context, k string) context.Context {
	if p := getNode(ctx); p != nil {
		if i := find(p.persistent(), k); i >= 0 {
			return p.derive(ctx, edit{at: -1, drop: i, np: p.np - 1, nt: p.nt - 1})
		}
	}
	return ctx
}

// GetAllPersistentValues returns the persistent values in a new map, or nil
// if there are none.
func GetAllPersistentValues(ctx context.Context) map[string]string {
	n := getNode(ctx)
	if n == nil {
		return nil
	}
	return toMap(n.persistent())
}

// PersistentValues iterates over the persistent values without allocating.
func PersistentValues(ctx context.Context) iter.Seq2[string, string] {
	return func(yield func(k, v string) bool) { getNode(ctx).rangePersistent(yield) }
}

// CountPersistentValues returns the number of persistent values.
func CountPersistentValues(ctx context.Context) int {
	if n := getNode(ctx); n != nil {
		return int(n.np)
	}
	return 0
}
