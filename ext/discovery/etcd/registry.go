package etcd

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/govolo/volo/ext/discovery"
)

// Registry registers instances in etcd under a lease that it keeps alive.
// When the lease is lost (etcd was unreachable for longer than the TTL, or
// the lease was revoked) it registers the instance again under a new lease,
// retrying until it succeeds or the instance is deregistered. It is safe for
// concurrent use and must be closed.
type Registry struct {
	cli *clientv3.Client
	cfg config

	mu     sync.Mutex
	regs   map[string]*registration
	closed bool
}

var _ discovery.Registry = (*Registry)(nil)

type registration struct {
	key, value string
	cancel     context.CancelFunc
	done       chan struct{}

	mu    sync.Mutex
	lease clientv3.LeaseID
}

// NewRegistry returns a registry that writes through cli. The client stays
// the caller's: close it after the registry.
func NewRegistry(cli *clientv3.Client, opts ...RegistryOption) *Registry {
	return &Registry{cli: cli, cfg: registryConfig(opts), regs: make(map[string]*registration)}
}

// Register writes inst under service with a fresh lease, within ctx, and
// keeps it alive in the background. Registering an instance already
// registered replaces its value.
func (r *Registry) Register(ctx context.Context, service string, inst discovery.Instance) error {
	if service == "" || inst.Addr == "" {
		return errors.New("etcd: register needs a service and an address")
	}
	value, err := encode(inst)
	if err != nil {
		return err
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return discovery.ErrClosed
	}
	key := r.cfg.serviceKey(service) + inst.Addr
	reg := &registration{key: key, value: value, done: make(chan struct{})}
	if err := r.put(ctx, reg); err != nil {
		return fmt.Errorf("etcd: register %s: %w", key, err)
	}
	r.mu.Lock()
	if r.closed { // closed while the key was being written
		r.mu.Unlock()
		_ = r.revoke(ctx, reg)
		return discovery.ErrClosed
	}
	old := r.regs[key]
	bg, cancel := context.WithCancel(context.Background())
	reg.cancel = cancel
	r.regs[key] = reg
	r.mu.Unlock()
	if old != nil {
		old.stop()
	}
	go r.keepAlive(bg, reg)
	return nil
}

// Deregister stops keeping the instance alive and deletes it, within ctx.
func (r *Registry) Deregister(ctx context.Context, service string, inst discovery.Instance) error {
	key := r.cfg.serviceKey(service) + inst.Addr
	r.mu.Lock()
	reg := r.regs[key]
	delete(r.regs, key)
	r.mu.Unlock()
	if reg == nil {
		return nil
	}
	reg.stop()
	return r.revoke(ctx, reg)
}

// Close deregisters every instance, within ctx, and stops all background
// work. The registry cannot be used afterwards.
func (r *Registry) Close(ctx context.Context) error {
	r.mu.Lock()
	r.closed = true
	regs := r.regs
	r.regs = map[string]*registration{}
	r.mu.Unlock()
	var errs []error
	for _, reg := range regs {
		reg.stop()
		errs = append(errs, r.revoke(ctx, reg))
	}
	return errors.Join(errs...)
}

func (reg *registration) stop() {
	reg.cancel()
	<-reg.done
}

// put grants a lease and writes the key under it.
func (r *Registry) put(ctx context.Context, reg *registration) error {
	lease, err := r.cli.Grant(ctx, r.cfg.ttlSeconds())
	if err != nil {
		return err
	}
	if _, err := r.cli.Put(ctx, reg.key, reg.value, clientv3.WithLease(lease.ID)); err != nil {
		// The lease would expire anyway; revoking it is only tidier.
		_, _ = r.cli.Revoke(ctx, lease.ID)
		return err
	}
	reg.mu.Lock()
	reg.lease = lease.ID
	reg.mu.Unlock()
	return nil
}

// revoke deletes the key by revoking its lease.
func (r *Registry) revoke(ctx context.Context, reg *registration) error {
	reg.mu.Lock()
	lease := reg.lease
	reg.mu.Unlock()
	if _, err := r.cli.Revoke(ctx, lease); err != nil {
		return fmt.Errorf("etcd: deregister %s: %w", reg.key, err)
	}
	return nil
}

// keepAlive renews the lease until ctx ends, and registers again each time
// the lease is lost.
func (r *Registry) keepAlive(ctx context.Context, reg *registration) {
	defer close(reg.done)
	retry := min(r.cfg.ttl/3, time.Second)
	for {
		reg.mu.Lock()
		lease := reg.lease
		reg.mu.Unlock()
		ch, err := r.cli.KeepAlive(ctx, lease)
		if err == nil {
			// The channel closes when the lease is gone: the client gives
			// up after a TTL without an answer from etcd. It also closes
			// when ctx ends, but only once the client gets to it, so ctx is
			// watched here too: Close must not wait on the client.
			drain(ctx, ch)
		}
		if ctx.Err() != nil {
			return
		}
		r.cfg.onError(fmt.Errorf("etcd: lease of %s lost, registering again", reg.key))
		for {
			if !sleep(ctx, retry) {
				return
			}
			attempt, cancel := context.WithTimeout(ctx, r.cfg.ttl)
			err := r.put(attempt, reg)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				return
			}
			r.cfg.onError(fmt.Errorf("etcd: register %s again: %w", reg.key, err))
		}
	}
}

// sleep waits d or until ctx ends, and reports whether ctx is still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// drain reads ch until it closes or ctx ends. The client never blocks on a
// keep-alive channel that is not read, so leaving it unread is safe.
func drain(ctx context.Context, ch <-chan *clientv3.LeaseKeepAliveResponse) {
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}
