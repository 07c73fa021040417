package discovery

import (
	"context"
	"sync"
	"sync/atomic"
)

// WithTried returns a context under which the LoadBalance layers below
// remember the instances they pick for the call, so that a later call
// through them with this context (or one derived from it) goes to an
// instance not picked yet, while there is one: a retry layer above
// LoadBalance, which makes each retry or hedge a new call of the layer,
// gets another instance for each, as LoadBalance's own retries do. When
// every instance has been picked, a picked one is picked again rather than
// none. Attempts that run at once (hedges) may share the context.
//
// It allocates once. Without it, each call of LoadBalance picks afresh.
func WithTried(ctx context.Context) context.Context {
	return &triedCtx{Context: ctx}
}

// TriedInstances returns the instances picked so far under a context of
// WithTried, in the order they were picked, or nil.
func TriedInstances(ctx context.Context) []Instance {
	t, _ := ctx.Value(triedKey{}).(*tried)
	if t == nil {
		return nil
	}
	n := int(t.n.Load())
	out := make([]Instance, 0, n)
	for i := range n {
		out = append(out, t.eps[i].Load().inst)
	}
	return out
}

type triedKey struct{}

// triedCtx carries the set in the context node itself: one allocation.
type triedCtx struct {
	context.Context
	tried
}

func (c *triedCtx) Value(key any) any {
	if key == (triedKey{}) {
		return &c.tried
	}
	return c.Context.Value(key)
}

func (c *triedCtx) String() string { return "discovery.WithTried" }

// maxTried bounds the instances remembered for one call; later picks are
// not remembered.
const maxTried = 16

// tried is the set of instances picked for one call. Writers hold mu;
// readers load n first and read the entries below it, which are never
// written again.
type tried struct {
	mu  sync.Mutex
	eps [maxTried]atomic.Pointer[endpoint]
	n   atomic.Int32
}

func (t *tried) add(ep *endpoint) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := int(t.n.Load())
	for i := range n {
		if t.eps[i].Load().st == ep.st {
			return
		}
	}
	if n < maxTried {
		t.eps[n].Store(ep)
		t.n.Store(int32(n + 1))
	}
}

// has reports whether the instance of st was picked.
func (t *tried) has(st *stats) bool {
	for i := range int(t.n.Load()) {
		if t.eps[i].Load().st == st {
			return true
		}
	}
	return false
}
