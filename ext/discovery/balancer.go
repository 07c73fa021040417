package discovery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Balancer picks instances of one target. It follows the target through a
// Discoverer's watcher in the background and swaps in a new snapshot of
// instances on each change, so picks never wait for an update. It is safe
// for concurrent use and must be closed.
type Balancer struct {
	cfg    config
	target string
	// hashed and timed cache the policy's answers, off the pick path's
	// interface calls. A timed policy also counts calls in flight.
	hashed, timed bool
	snap          atomic.Pointer[snapshot]
	env           pickEnv

	// clock returns monotonic nanoseconds; tests replace it.
	clock func() int64

	mu      sync.Mutex // guards stats and serialises updates
	stats   map[string]*stats
	ejected atomic.Int64
	timers  sync.WaitGroup
	closed  bool

	watcher   Watcher
	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
}

// snapshot is an immutable set of instances with its picker.
type snapshot struct {
	eps []*endpoint
	p   picker
}

// pickEnv is what pickers share with the balancer.
type pickEnv struct {
	rnd func() uint64
	rr  atomic.Uint64
}

// ErrNilDiscoverer means NewBalancer was given no Discoverer.
var ErrNilDiscoverer = errors.New("discovery: nil discoverer")

var epoch = time.Now()

func monotonic() int64 { return int64(time.Since(epoch)) }

// NewBalancer starts watching target with d and waits, within ctx, for the
// first set of instances. An empty set is not an error (picks fail with
// ErrNoInstance until instances appear); a failure of the first resolution
// is. ctx bounds only this first resolution; the watch goes on until Close.
// A nil d fails with [ErrNilDiscoverer].
func NewBalancer(ctx context.Context, d Discoverer, target string, opts ...Option) (*Balancer, error) {
	if d == nil {
		return nil, ErrNilDiscoverer
	}
	b := &Balancer{
		cfg:    newConfig(opts),
		target: target,
		clock:  monotonic,
		stats:  make(map[string]*stats),
		done:   make(chan struct{}),
	}
	b.env.rnd = b.cfg.rnd
	b.hashed, b.timed = b.cfg.policy.hashed(), b.cfg.policy.timed()
	w, err := d.Watch(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("discovery: watch %s: %w", target, err)
	}
	ins, err := w.Next(ctx)
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("discovery: resolve %s: %w", target, err)
	}
	b.update(ins)
	watchCtx, cancel := context.WithCancel(context.Background())
	b.watcher, b.cancel = w, cancel
	go b.follow(watchCtx)
	return b, nil
}

// follow applies the watcher's updates until Close.
func (b *Balancer) follow(ctx context.Context) {
	defer close(b.done)
	pause := 50 * time.Millisecond
	for {
		ins, err := b.watcher.Next(ctx)
		if err == nil {
			b.update(ins)
			pause = 50 * time.Millisecond
			continue
		}
		if ctx.Err() != nil || errors.Is(err, ErrClosed) {
			return
		}
		b.cfg.onWatchError(err)
		// A watcher is expected to pace its own retries; this pause only
		// keeps a broken one from spinning.
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		pause = min(2*pause, 5*time.Second)
	}
}

// update replaces the snapshot, keeping the stats of instances that stay.
func (b *Balancer) update(ins []Instance) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	kept := make([]Instance, 0, len(ins))
	seen := make(map[string]bool, len(ins))
	for _, in := range ins {
		if seen[in.Addr] || (b.cfg.filter != nil && !b.cfg.filter(in)) {
			continue
		}
		seen[in.Addr] = true
		kept = append(kept, in)
	}
	sortInstances(kept)
	eps := make([]*endpoint, len(kept))
	next := make(map[string]*stats, len(kept))
	for i, in := range kept {
		st := b.stats[in.Addr]
		if st == nil {
			st = &stats{}
		}
		next[in.Addr] = st
		eps[i] = &endpoint{inst: in, st: st}
	}
	for addr, st := range b.stats {
		if next[addr] == nil {
			b.retire(st)
		}
	}
	b.stats = next
	b.snap.Store(&snapshot{eps: eps, p: b.cfg.policy.build(eps, &b.env)})
}

// Instances returns the instances the balancer picks from now.
func (b *Balancer) Instances() []Instance {
	s := b.snap.Load()
	out := make([]Instance, len(s.eps))
	for i, ep := range s.eps {
		out[i] = ep.inst
	}
	return out
}

// Ejected reports whether the instance at addr is ejected now.
func (b *Balancer) Ejected(addr string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.stats[addr]
	return st != nil && st.ejected.Load()
}

// Describe names the balancer in stack descriptions.
func (b *Balancer) Describe() string {
	return fmt.Sprintf("%v over %q, retries %d", b.cfg.policy, b.target, b.cfg.retries)
}

// Close stops following the target. Picks still work on the last known
// instances, which no longer change. Close waits for the background work to
// end and is safe to call more than once.
func (b *Balancer) Close() error {
	b.closeOnce.Do(func() {
		b.cancel()
		_ = b.watcher.Close()
		<-b.done
		b.mu.Lock()
		b.closed = true
		for _, st := range b.stats {
			b.retire(st)
		}
		b.mu.Unlock()
		b.timers.Wait()
	})
	return nil
}

// Pick is an instance chosen for one call. Done must be called once when
// the call ends.
type Pick struct {
	b     *Balancer
	ep    *endpoint
	start int64
	timed bool
}

// Instance returns the picked instance.
func (p Pick) Instance() Instance { return p.ep.inst }

// Done reports the end of the call: its error (nil for success) feeds
// ejection and, for PeakEWMA, its latency feeds the estimate. A call that
// was never sent (its error says NotSent() true: a failed connection, a
// breaker's or a limiter's rejection) took no time at the instance, so it
// is no latency sample; whether it counts toward ejection is said at
// WithConnectionClassifier.
func (p Pick) Done(err error) {
	p.b.done1(p.ep, p.start, p.timed, err)
}

// Pick chooses an instance for a call, hashing key for ConsistentHash (the
// other policies ignore it). It fails with ErrNoInstance when there is none.
func (b *Balancer) Pick(key string) (Pick, error) {
	var h uint64
	if b.hashed {
		h = hashKey(key)
	}
	return b.pick(h, exclude{})
}

func (b *Balancer) pick(h uint64, x exclude) (Pick, error) {
	s := b.snap.Load()
	ep := s.p.pick(h, x)
	if ep == nil && b.ejected.Load() > 0 {
		// Every instance not tried yet is ejected: better an ejected one
		// than none.
		x.anyEjected = true
		ep = s.p.pick(h, x)
	}
	if ep == nil {
		return Pick{}, ErrNoInstance
	}
	p := Pick{b: b, ep: ep}
	if b.timed {
		// Only the load-aware policy reads calls in flight; the others
		// spare two atomic writes per call. It times the first calls to an
		// instance and then one in sampleEvery.
		n := ep.st.load.Add(picked) >> 32
		if n%sampleEvery == 0 || ep.st.ewma.Load() == 0 {
			p.start, p.timed = b.clock(), true
		}
	}
	return p, nil
}

// done1 records the end of a call to ep and reports whether its error is
// one to retry on another instance.
func (b *Balancer) done1(ep *endpoint, start int64, timed bool, err error) bool {
	st := ep.st
	if b.timed {
		st.load.Add(finished)
	}
	if err != nil {
		if retry, reached := b.failed(st, err); !reached {
			return retry
		}
	}
	// The call reached the instance: an answer, even an error, ends a run
	// of failures and is a latency sample.
	if st.consecutive.Load() != 0 {
		st.consecutive.Store(0)
	}
	if timed {
		now := b.clock()
		st.observe(now, now-start, b.cfg.policy.invDecay())
	}
	if st.ejections.Load() != 0 {
		st.ejections.Store(0)
	}
	return false
}

// failed sorts the error of a call to st: retry says whether to try
// another instance, reached whether the call reached this one. An error
// the classifier accepts counts toward ejection, unless it is a rejection
// by the caller's own limiter; a call never sent that the classifier does
// not accept counts for nothing. Neither is a latency sample: a rejection
// would look like a fast answer.
func (b *Balancer) failed(st *stats, err error) (retry, reached bool) {
	retry = b.cfg.isConn(err)
	ns := notSent(err)
	if retry && !(ns && ownLimit(err)) {
		if b.cfg.failures > 0 && st.consecutive.Add(1) >= int32(b.cfg.failures) {
			b.eject(st)
		}
		return true, false
	}
	return retry, !retry && !ns
}

// eject takes st out of the picks for a while, within the bound on ejected
// instances.
func (b *Balancer) eject(st *stats) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.removed || st.ejected.Load() {
		return
	}
	limit := int64(0)
	if b.cfg.maxEjectPct > 0 {
		limit = max(1, int64(len(b.snap.Load().eps)*b.cfg.maxEjectPct/100))
	}
	if b.ejected.Load() >= limit {
		return
	}
	n := st.ejections.Add(1)
	st.consecutive.Store(0)
	st.ejected.Store(true)
	b.ejected.Add(1)
	b.timers.Add(1)
	st.timer = time.AfterFunc(b.cfg.ejectFor*time.Duration(min(n, 10)), func() {
		defer b.timers.Done()
		b.readmit(st)
	})
}

func (b *Balancer) readmit(st *stats) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.timer = nil
	if st.ejected.Load() {
		st.ejected.Store(false)
		b.ejected.Add(-1)
	}
}

// retire forgets an instance that left the set (or the balancer closed).
func (b *Balancer) retire(st *stats) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.removed = true
	if st.timer != nil && st.timer.Stop() {
		b.timers.Done()
	}
	st.timer = nil
	if st.ejected.Load() {
		st.ejected.Store(false)
		b.ejected.Add(-1)
	}
}
