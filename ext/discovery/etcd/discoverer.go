package etcd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/govolo/volo/ext/discovery"
)

// Discoverer resolves and watches the instances of a service stored by a
// Registry. A target is a service name.
type Discoverer struct {
	cli *clientv3.Client
	cfg config
}

var _ discovery.Discoverer = (*Discoverer)(nil)

// NewDiscoverer returns a discoverer that reads through cli. The client
// stays the caller's: close it after every watcher.
func NewDiscoverer(cli *clientv3.Client, opts ...DiscovererOption) *Discoverer {
	return &Discoverer{cli: cli, cfg: discovererConfig(opts)}
}

// Resolve lists the instances of service now. Values that do not decode are
// skipped and reported to the error handler.
func (d *Discoverer) Resolve(ctx context.Context, service string) ([]discovery.Instance, error) {
	byKey, _, err := d.list(ctx, service)
	if err != nil {
		return nil, err
	}
	return values(byKey), nil
}

func (d *Discoverer) list(ctx context.Context, service string) (map[string]discovery.Instance, int64, error) {
	resp, err := d.cli.Get(ctx, d.cfg.serviceKey(service), clientv3.WithPrefix())
	if err != nil {
		return nil, 0, fmt.Errorf("etcd: resolve %s: %w", service, err)
	}
	byKey := make(map[string]discovery.Instance, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		in, err := decode(string(kv.Key), kv.Value)
		if err != nil {
			d.cfg.onError(err)
			continue
		}
		if d.cfg.owns(service, string(kv.Key), in) {
			byKey[string(kv.Key)] = in
		}
	}
	return byKey, resp.Header.Revision, nil
}

func values(byKey map[string]discovery.Instance) []discovery.Instance {
	out := make([]discovery.Instance, 0, len(byKey))
	for _, in := range byKey {
		out = append(out, in)
	}
	return out
}

// Watch follows service in the background: the first Next lists its
// instances, later ones return after each change. While etcd is unreachable
// Next waits (the client reconnects and the watch resumes where it
// stopped), so a balancer keeps serving the last instances it saw.
func (d *Discoverer) Watch(_ context.Context, service string) (discovery.Watcher, error) {
	ctx, cancel := context.WithCancel(context.Background())
	w := &watcher{d: d, service: service, cancel: cancel, done: make(chan struct{}), changed: make(chan struct{})}
	go w.run(ctx)
	return w, nil
}

type watcher struct {
	d       *Discoverer
	service string
	cancel  context.CancelFunc
	done    chan struct{}

	mu      sync.Mutex
	set     []discovery.Instance
	version uint64
	err     error         // a failure not yet reported by Next
	changed chan struct{} // closed and replaced on each publish
	seen    uint64        // the version Next returned last
}

// run lists the service, then watches it from just after the listing; it
// lists again whenever the watch stream ends (compaction, lost leader).
func (w *watcher) run(ctx context.Context) {
	defer close(w.done)
	key := w.d.cfg.serviceKey(w.service)
	for ctx.Err() == nil {
		byKey, rev, err := w.d.list(ctx, w.service)
		if err != nil {
			if ctx.Err() == nil {
				w.fail(err)
				sleep(ctx, retryPause)
			}
			continue
		}
		w.publish(byKey)
		for resp := range w.d.cli.Watch(ctx, key, clientv3.WithPrefix(), clientv3.WithRev(rev+1)) {
			if err := resp.Err(); err != nil {
				if !errors.Is(err, rpctypes.ErrCompacted) {
					w.fail(err)
				}
				break
			}
			if w.apply(byKey, resp) {
				w.publish(byKey)
			}
		}
	}
}

// retryPause spaces listings after a failure.
const retryPause = 200 * time.Millisecond

func (w *watcher) publish(byKey map[string]discovery.Instance) {
	set := values(byKey)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.version > 0 && discovery.SameInstances(set, w.set) {
		return
	}
	w.set = set
	w.version++
	close(w.changed)
	w.changed = make(chan struct{})
}

func (w *watcher) fail(err error) {
	w.d.cfg.onError(err)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.err = err
	close(w.changed)
	w.changed = make(chan struct{})
}

// apply folds a watch response into byKey and reports a change.
func (w *watcher) apply(byKey map[string]discovery.Instance, resp clientv3.WatchResponse) bool {
	changed := false
	for _, ev := range resp.Events {
		key := string(ev.Kv.Key)
		switch ev.Type {
		case clientv3.EventTypePut:
			in, err := decode(key, ev.Kv.Value)
			if err != nil {
				w.d.cfg.onError(err)
				continue
			}
			if !w.d.cfg.owns(w.service, key, in) {
				continue
			}
			byKey[key] = in
			changed = true
		case clientv3.EventTypeDelete:
			if _, ok := byKey[key]; ok {
				delete(byKey, key)
				changed = true
			}
		}
	}
	return changed
}

func (w *watcher) Next(ctx context.Context) ([]discovery.Instance, error) {
	for {
		w.mu.Lock()
		if w.version != w.seen {
			w.seen = w.version
			set := slices.Clone(w.set)
			w.mu.Unlock()
			return set, nil
		}
		if err := w.err; err != nil {
			w.err = nil
			w.mu.Unlock()
			return nil, err
		}
		changed := w.changed
		w.mu.Unlock()
		select {
		case <-changed:
		case <-w.done:
			return nil, discovery.ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Close stops the watch and waits for it to end.
func (w *watcher) Close() error {
	w.cancel()
	<-w.done
	return nil
}
