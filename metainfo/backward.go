package metainfo

import (
	"context"
	"iter"
	"sync"
)

// backwardStore holds backward values for one call. Writers replace the
// slice (copy-on-write), so readers can range over a snapshot without
// holding the lock.
type backwardStore struct {
	mu  sync.Mutex
	kvs []entry
}

func (s *backwardStore) snapshot() []entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.kvs
}

func (s *backwardStore) get(k string) (string, bool) {
	kvs := s.snapshot()
	if i := findOwn(kvs, k); i >= 0 {
		return kvs[i].val, true
	}
	return "", false
}

// set stores pairs k1, v1, k2, v2, ...; a trailing key gets an empty value.
func (s *backwardStore) set(kvs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := make([]entry, len(s.kvs), len(s.kvs)+(len(kvs)+1)/2)
	copy(next, s.kvs)
	for i := 0; i < len(kvs); i += 2 {
		v := ""
		if i+1 < len(kvs) {
			v = kvs[i+1]
		}
		next = upsert(next, kvs[i], v)
	}
	s.kvs = next
}

func (s *backwardStore) setMap(m map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := make([]entry, len(s.kvs), len(s.kvs)+len(m))
	copy(next, s.kvs)
	for k, v := range m {
		next = upsert(next, k, v)
	}
	s.kvs = next
}

func upsert(kvs []entry, k, v string) []entry {
	if i := findOwn(kvs, k); i >= 0 {
		kvs[i].val = v
		return kvs
	}
	return append(kvs, entry{k, v})
}

func (s *backwardStore) all() map[string]string {
	kvs := s.snapshot()
	if len(kvs) == 0 {
		return nil
	}
	m := make(map[string]string, len(kvs))
	for _, e := range kvs {
		m[e.key] = e.val
	}
	return m
}

func (s *backwardStore) rangeAll(yield func(k, v string) bool) {
	if s == nil {
		return
	}
	for _, e := range s.snapshot() {
		if !yield(e.key, e.val) {
			return
		}
	}
}

type (
	recvKey struct{}
	sendKey struct{}
)

// backwardCtx installs a store in a context chain, found under key K, in one
// allocation.
type backwardCtx[K comparable] struct {
	context.Context
	store backwardStore
}

// Value returns the store for key K and asks the parent otherwise.
func (c *backwardCtx[K]) Value(key any) any {
	if _, ok := key.(K); ok {
		return &c.store
	}
	return c.Context.Value(key)
}

// String names the context without showing values.
func (c *backwardCtx[K]) String() string {
	var k K
	if any(k) == any(recvKey{}) {
		return contextName(c.Context) + ".WithBackwardValues"
	}
	return contextName(c.Context) + ".WithBackwardValuesToSend"
}

func receiver(ctx context.Context) *backwardStore {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(recvKey{}).(*backwardStore)
	return s
}

func sender(ctx context.Context) *backwardStore {
	if ctx == nil {
		return nil
	}
	s, _ := ctx.Value(sendKey{}).(*backwardStore)
	return s
}

// WithBackwardValues returns a copy of ctx with a receiver for the backward
// values of the calls made with it; read them after the call with
// [RecvBackwardValue]. If ctx already has a receiver, it is returned as is.
// Like [context.WithValue], it panics if ctx is nil.
func WithBackwardValues(ctx context.Context) context.Context {
	if ctx == nil {
		panic("metainfo: cannot create context from nil parent")
	}
	if receiver(ctx) != nil {
		return ctx
	}
	return &backwardCtx[recvKey]{Context: ctx}
}

// RecvBackwardValue returns the backward value under k that a callee sent
// back to this context's receiver.
func RecvBackwardValue(ctx context.Context, k string) (string, bool) {
	if s := receiver(ctx); s != nil {
		return s.get(k)
	}
	return "", false
}

// RecvAllBackwardValues returns the received backward values in a new map,
// or nil if there are none or no receiver.
func RecvAllBackwardValues(ctx context.Context) map[string]string {
	if s := receiver(ctx); s != nil {
		return s.all()
	}
	return nil
}

// RecvBackwardValues iterates over a snapshot of the received backward
// values without allocating.
func RecvBackwardValues(ctx context.Context) iter.Seq2[string, string] {
	return func(yield func(k, v string) bool) { receiver(ctx).rangeAll(yield) }
}

// SetBackwardValue stores a received backward value in the receiver, as a
// client framework does with a response. It reports false if ctx has no
// receiver.
func SetBackwardValue(ctx context.Context, k, v string) bool {
	return SetBackwardValues(ctx, k, v)
}

// SetBackwardValues is [SetBackwardValue] for pairs k1, v1, k2, v2, ...; a
// trailing key gets an empty value.
func SetBackwardValues(ctx context.Context, kvs ...string) bool {
	s := receiver(ctx)
	if s == nil {
		return false
	}
	s.set(kvs...)
	return true
}

// SetBackwardValuesFromMap is [SetBackwardValues] for a map.
func SetBackwardValuesFromMap(ctx context.Context, m map[string]string) bool {
	s := receiver(ctx)
	if s == nil {
		return false
	}
	s.setMap(m)
	return true
}

// WithBackwardValuesToSend returns a copy of ctx that collects backward
// values to send to the caller, as a server framework does before calling a
// handler. If ctx already collects them, it is returned as is. Like
// [context.WithValue], it panics if ctx is nil.
func WithBackwardValuesToSend(ctx context.Context) context.Context {
	if ctx == nil {
		panic("metainfo: cannot create context from nil parent")
	}
	if sender(ctx) != nil {
		return ctx
	}
	return &backwardCtx[sendKey]{Context: ctx}
}

// SendBackwardValue queues v under k to go back to the caller with the
// response. It is safe for concurrent use and reports false if ctx does not
// collect backward values. The key and value are checked when encoded.
func SendBackwardValue(ctx context.Context, k, v string) bool {
	return SendBackwardValues(ctx, k, v)
}

// SendBackwardValues is [SendBackwardValue] for pairs k1, v1, k2, v2, ...;
// a trailing key gets an empty value, which the encoder reports.
func SendBackwardValues(ctx context.Context, kvs ...string) bool {
	s := sender(ctx)
	if s == nil {
		return false
	}
	s.set(kvs...)
	return true
}

// SendBackwardValuesFromMap is [SendBackwardValues] for a map.
func SendBackwardValuesFromMap(ctx context.Context, m map[string]string) bool {
	s := sender(ctx)
	if s == nil {
		return false
	}
	s.setMap(m)
	return true
}

// GetBackwardValueToSend returns the value queued under k to go back to the
// caller.
func GetBackwardValueToSend(ctx context.Context, k string) (string, bool) {
	if s := sender(ctx); s != nil {
		return s.get(k)
	}
	return "", false
}

// AllBackwardValuesToSend returns the values queued to go back to the
// caller in a new map, or nil if there are none. Frameworks use it; the
// encoders of [Codec] read the values without building a map.
func AllBackwardValuesToSend(ctx context.Context) map[string]string {
	if s := sender(ctx); s != nil {
		return s.all()
	}
	return nil
}

// BackwardValuesToSend iterates over a snapshot of the values queued to go
// back to the caller without allocating.
func BackwardValuesToSend(ctx context.Context) iter.Seq2[string, string] {
	return func(yield func(k, v string) bool) { sender(ctx).rangeAll(yield) }
}
