package discovery

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// Static is a Discoverer that serves one list of instances for every
// target. The list can be replaced at run time with Set, and watchers see
// the change. It is also a Registry within one process: Register adds an
// instance and Deregister removes it, whatever the service name, as targets
// are ignored too. The zero value is not usable; call NewStatic.
type Static struct {
	mu        sync.Mutex
	instances []Instance
	version   uint64
	// changed is closed and replaced on each Set, waking every watcher.
	changed chan struct{}
}

// NewStatic returns a Static discoverer serving instances.
func NewStatic(instances ...Instance) *Static {
	return &Static{instances: slices.Clone(instances), changed: make(chan struct{})}
}

// Set replaces the list of instances.
func (s *Static) Set(instances ...Instance) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(slices.Clone(instances))
}

// setLocked replaces the list, which the caller no longer uses, and wakes
// the watchers.
func (s *Static) setLocked(instances []Instance) {
	s.instances = instances
	s.version++
	close(s.changed)
	s.changed = make(chan struct{})
}

// Register adds inst to the list, replacing an instance with the same
// address. The service name is ignored.
func (s *Static) Register(_ context.Context, _ string, inst Instance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(append(s.withoutLocked(inst.Addr), inst))
	return nil
}

// Deregister removes the instance with inst's address from the list, if it
// is there. The service name is ignored.
func (s *Static) Deregister(_ context.Context, _ string, inst Instance) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setLocked(s.withoutLocked(inst.Addr))
	return nil
}

// withoutLocked returns a new list of the instances but the one at addr.
func (s *Static) withoutLocked(addr string) []Instance {
	return slices.DeleteFunc(slices.Clone(s.instances), func(in Instance) bool { return in.Addr == addr })
}

// Resolve returns the current list, whatever the target.
func (s *Static) Resolve(_ context.Context, _ string) ([]Instance, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.instances), nil
}

// Watch returns a watcher of the list, whatever the target.
func (s *Static) Watch(_ context.Context, _ string) (Watcher, error) {
	return &staticWatcher{s: s, closed: make(chan struct{}), first: true}, nil
}

// Describe names the discoverer in descriptions.
func (s *Static) Describe() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprintf("static(%d instances)", len(s.instances))
}

type staticWatcher struct {
	s         *Static
	closeOnce sync.Once
	closed    chan struct{}
	// first and seen are only used by Next, which is not called
	// concurrently with itself.
	first bool
	seen  uint64
}

func (w *staticWatcher) Next(ctx context.Context) ([]Instance, error) {
	for {
		w.s.mu.Lock()
		version, changed, ins := w.s.version, w.s.changed, slices.Clone(w.s.instances)
		w.s.mu.Unlock()
		select {
		case <-w.closed:
			return nil, ErrClosed
		default:
		}
		if w.first || version != w.seen {
			w.first, w.seen = false, version
			return ins, nil
		}
		select {
		case <-changed:
		case <-w.closed:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (w *staticWatcher) Close() error {
	w.closeOnce.Do(func() { close(w.closed) })
	return nil
}
