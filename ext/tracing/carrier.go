package tracing

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"

	"github.com/govolo/volo/metainfo"
)

// Inject writes the trace context of ctx (and whatever else p propagates,
// such as baggage) into transient metainfo values, one hop long, and
// returns the new context. Any transport that sends metainfo then sends the
// trace. A nil p means the global propagator. [Client] calls it on every
// call; frameworks that start spans themselves can call it directly.
//
// When p writes nothing (no valid span, no baggage) Inject allocates
// nothing; otherwise it allocates once for the new metainfo.
func Inject(ctx context.Context, p propagation.TextMapPropagator) context.Context {
	if p == nil {
		p = otel.GetTextMapPropagator()
	}
	c := getCarrier()
	p.Inject(ctx, c)
	if len(c.kvs) > 0 {
		ctx = metainfo.WithValues(ctx, c.kvs...)
	}
	putCarrier(c)
	return ctx
}

// Extract reads a trace context (and baggage, if p reads it) from the
// transient metainfo values that arrived with a call, and returns ctx with
// it as the remote parent. A nil p means the global propagator. [Server]
// calls it on every call. Keys are matched exactly first, then ignoring
// case and the '-'/'_' difference, because HTTP-style headers change both
// on the way.
func Extract(ctx context.Context, p propagation.TextMapPropagator) context.Context {
	if p == nil {
		p = otel.GetTextMapPropagator()
	}
	if metainfo.CountValues(ctx) == 0 {
		// Nothing arrived, but a propagator may still want to see the
		// empty carrier (to clear baggage, for instance).
		return p.Extract(ctx, emptyCarrier{})
	}
	c := getCarrier()
	for k, v := range metainfo.Values(ctx) {
		c.kvs = append(c.kvs, k, v)
	}
	ctx = p.Extract(ctx, c)
	putCarrier(c)
	return ctx
}

// carrier is a propagation.TextMapCarrier over key-value pairs. It is pooled
// because a propagator is an interface, so the carrier escapes to the heap.
type carrier struct {
	kvs []string // k1, v1, k2, v2, ...
}

// maxPooledPairs bounds the capacity a pooled carrier keeps, so that one
// call with many values does not pin the memory.
const maxPooledPairs = 64

var carriers = sync.Pool{New: func() any { return &carrier{kvs: make([]string, 0, 8)} }}

func getCarrier() *carrier { return carriers.Get().(*carrier) }

func putCarrier(c *carrier) {
	if cap(c.kvs) > 2*maxPooledPairs {
		return
	}
	clear(c.kvs) // drop the strings so the pool does not keep them alive
	c.kvs = c.kvs[:0]
	carriers.Put(c)
}

// Get returns the value under key, matched as [Extract] describes.
func (c *carrier) Get(key string) string {
	for i := 0; i < len(c.kvs); i += 2 {
		if c.kvs[i] == key {
			return c.kvs[i+1]
		}
	}
	for i := 0; i < len(c.kvs); i += 2 {
		if sameHeaderKey(c.kvs[i], key) {
			return c.kvs[i+1]
		}
	}
	return ""
}

// Set stores value under key, replacing an earlier value.
func (c *carrier) Set(key, value string) {
	for i := 0; i < len(c.kvs); i += 2 {
		if c.kvs[i] == key {
			c.kvs[i+1] = value
			return
		}
	}
	c.kvs = append(c.kvs, key, value)
}

// Keys lists the keys in the carrier.
func (c *carrier) Keys() []string {
	keys := make([]string, 0, len(c.kvs)/2)
	for i := 0; i < len(c.kvs); i += 2 {
		keys = append(keys, c.kvs[i])
	}
	return keys
}

// sameHeaderKey compares keys as HTTP-style headers see them: ignoring
// ASCII case, with '-' and '_' alike.
func sameHeaderKey(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if foldKey(a[i]) != foldKey(b[i]) {
			return false
		}
	}
	return true
}

func foldKey(c byte) byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + 'a' - 'A'
	case c == '_':
		return '-'
	}
	return c
}

// emptyCarrier is a carrier with nothing in it; as a zero-size value it
// costs no allocation when passed as an interface.
type emptyCarrier struct{}

func (emptyCarrier) Get(string) string  { return "" }
func (emptyCarrier) Set(string, string) {}
func (emptyCarrier) Keys() []string     { return nil }
