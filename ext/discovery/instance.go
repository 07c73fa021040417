package discovery

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// DefaultWeight is the weight of an [Instance] whose Weight is zero or
// negative.
const DefaultWeight = 100

// MaxWeight is the largest weight the policies use: a larger Weight, which
// a registry may hold from anyone, counts as MaxWeight, so that sums of
// weights cannot overflow and the tables built from them stay bounded.
const MaxWeight = 1 << 20

// Instance is one reachable copy of a service.
type Instance struct {
	// Addr is where the instance listens, usually "host:port". It identifies
	// the instance: two instances with the same Addr are the same instance.
	Addr string
	// Weight is the instance's share of calls relative to the others, for
	// the weighted policies and consistent hashing. Zero or negative means
	// DefaultWeight; above MaxWeight means MaxWeight.
	Weight int
	// Tags are free-form labels (zone, version, ...) for filtering. They are
	// shared, not copied, when instances are passed around: treat them as
	// read-only.
	Tags map[string]string
}

// EffectiveWeight returns Weight, DefaultWeight when Weight is not
// positive, or MaxWeight when Weight is larger.
func (in Instance) EffectiveWeight() int {
	switch {
	case in.Weight <= 0:
		return DefaultWeight
	case in.Weight > MaxWeight:
		return MaxWeight
	}
	return in.Weight
}

// A Discoverer finds the instances of a target, the name of a service in the
// backend's own terms (a DNS name, an etcd service name, ...).
type Discoverer interface {
	// Resolve returns the instances of target now.
	Resolve(ctx context.Context, target string) ([]Instance, error)
	// Watch starts following target. The watcher's first Next returns the
	// current instances; later calls block until they change. ctx bounds
	// only the start: the watcher lives until it is closed.
	Watch(ctx context.Context, target string) (Watcher, error)
}

// A Watcher follows the instances of one target. It must be closed.
type Watcher interface {
	// Next returns the whole set of instances, the first time at once and
	// then each time it changes. An error wrapping ErrClosed means the
	// watcher is closed, an error from ctx means ctx ended; any other error
	// is a backend failure the watcher keeps retrying through, so the
	// caller may call Next again.
	Next(ctx context.Context) ([]Instance, error)
	// Close stops the watcher and wakes a pending Next.
	Close() error
}

// A Registry makes a server's instance known under a service name, and
// forgets it. Backends with a lease keep the registration alive until
// Deregister or until the registry is closed.
type Registry interface {
	Register(ctx context.Context, service string, inst Instance) error
	Deregister(ctx context.Context, service string, inst Instance) error
}

// sortInstances orders instances by address so that sets from backends that
// list them in any order can be compared.
func sortInstances(ins []Instance) {
	slices.SortFunc(ins, func(a, b Instance) int { return strings.Compare(a.Addr, b.Addr) })
}

// SameInstances reports whether a and b hold the same instances with the
// same weights and tags, in any order. Watchers use it to report only real
// changes.
func SameInstances(a, b []Instance) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = slices.Clone(a), slices.Clone(b)
	sortInstances(a)
	sortInstances(b)
	for i := range a {
		if a[i].Addr != b[i].Addr || a[i].EffectiveWeight() != b[i].EffectiveWeight() || !maps.Equal(a[i].Tags, b[i].Tags) {
			return false
		}
	}
	return true
}
