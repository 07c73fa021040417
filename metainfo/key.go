package metainfo

import "context"

// A Key[T] names a typed value that stays in this process: it rides on a
// context like any context value but is never encoded. Keys compare by
// identity, so two keys made with the same name are still distinct.
type Key[T any] struct {
	name string
}

// NewKey returns a new key for values of type T. The name is for
// debugging only.
func NewKey[T any](name string) *Key[T] {
	return &Key[T]{name: name}
}

// With returns a copy of ctx that carries v under k.
func (k *Key[T]) With(ctx context.Context, v T) context.Context {
	return context.WithValue(ctx, k, v)
}

// Get returns the value under k, and whether there is one. A nil interface
// value stored under k reads as absent.
func (k *Key[T]) Get(ctx context.Context) (T, bool) {
	v, ok := ctx.Value(k).(T)
	return v, ok
}

// String returns the key's name.
func (k *Key[T]) String() string { return k.name }
