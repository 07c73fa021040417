package discovery

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DNS is a Discoverer that looks targets up in the DNS through a
// net.Resolver and re-resolves them periodically while watched.
//
// A target "host:port" is resolved to the host's A and AAAA records, each
// an instance on port with DefaultWeight. A target that starts with an
// underscore, such as "_api._tcp.example.com", is an SRV name: the records
// with the lowest priority are kept, each target host is resolved to its
// addresses, and the SRV weight (0 counts as 1) becomes the instance weight.
// Records the DNS answers with no address for (the target does not exist,
// has no A or AAAA record, or is "."), and records with invalid names, add
// no instance; any other failure fails the resolution, so a watcher keeps
// the instances it had.
type DNS struct {
	resolver *net.Resolver
	refresh  time.Duration
}

// DNSOption configures a [DNS] discoverer.
type DNSOption interface {
	applyDNS(*DNS)
}

type dnsOptionFunc func(*DNS)

func (f dnsOptionFunc) applyDNS(d *DNS) { f(d) }

// WithResolver sets the resolver. Default: net.DefaultResolver. A nil r
// keeps the default.
func WithResolver(r *net.Resolver) DNSOption {
	return dnsOptionFunc(func(d *DNS) {
		if r != nil {
			d.resolver = r
		}
	})
}

// WithRefresh sets how often a watched target is resolved again. Default:
// 30s. Zero or less: the default; other values under 10ms are raised to
// 10ms, to keep a watcher from flooding the resolver.
func WithRefresh(every time.Duration) DNSOption {
	return dnsOptionFunc(func(d *DNS) {
		if every <= 0 {
			every = defaultRefresh
		}
		d.refresh = max(every, 10*time.Millisecond)
	})
}

const defaultRefresh = 30 * time.Second

// NewDNS returns a DNS discoverer.
func NewDNS(opts ...DNSOption) *DNS {
	d := &DNS{resolver: net.DefaultResolver, refresh: defaultRefresh}
	for _, o := range opts {
		if o != nil {
			o.applyDNS(d)
		}
	}
	return d
}

// Describe names the discoverer in descriptions.
func (d *DNS) Describe() string { return fmt.Sprintf("dns(refresh %v)", d.refresh) }

// Resolve looks target up once. The instances are sorted by address.
func (d *DNS) Resolve(ctx context.Context, target string) ([]Instance, error) {
	var (
		ins []Instance
		err error
	)
	if strings.HasPrefix(target, "_") {
		ins, err = d.resolveSRV(ctx, target)
	} else {
		ins, err = d.resolveHostPort(ctx, target)
	}
	if err != nil {
		return nil, err
	}
	sortInstances(ins)
	return ins, nil
}

func (d *DNS) resolveHostPort(ctx context.Context, target string) ([]Instance, error) {
	host, port, err := net.SplitHostPort(target)
	if err != nil || host == "" || port == "" {
		return nil, fmt.Errorf("%w: %q is not host:port or an SRV name", ErrBadTarget, target)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, fmt.Errorf("%w: %q has a bad port", ErrBadTarget, target)
	}
	addrs, err := d.lookupHost(ctx, host)
	if err != nil {
		return nil, err
	}
	ins := make([]Instance, 0, len(addrs))
	for _, a := range addrs {
		ins = append(ins, Instance{Addr: net.JoinHostPort(a.String(), port), Weight: DefaultWeight})
	}
	return ins, nil
}

func (d *DNS) resolveSRV(ctx context.Context, target string) ([]Instance, error) {
	_, srvs, err := d.resolver.LookupSRV(ctx, "", "", target)
	if err != nil && len(srvs) == 0 {
		return nil, fmt.Errorf("discovery: dns srv %s: %w", target, err)
	}
	// With records and an error, the resolver dropped records whose names
	// are invalid and kept the others: one bad record must not hide them.
	if len(srvs) == 0 {
		return nil, nil
	}
	// The resolver sorts by priority; only the best priority is in use, the
	// others are fallbacks (RFC 2782).
	best := srvs[0].Priority
	for _, s := range srvs {
		best = min(best, s.Priority)
	}
	seen := make(map[string]bool)
	var ins []Instance
	for _, s := range srvs {
		if s.Priority != best || s.Target == "." {
			// "." means the service is decidedly not there (RFC 2782).
			continue
		}
		addrs, err := d.lookupHost(ctx, s.Target)
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			// The DNS says the target has no address: it adds no instance,
			// and a stale record must not stop the others from updating.
			continue
		}
		if err != nil {
			return nil, err
		}
		port := strconv.Itoa(int(s.Port))
		for _, a := range addrs {
			addr := net.JoinHostPort(a.String(), port)
			if seen[addr] {
				continue
			}
			seen[addr] = true
			ins = append(ins, Instance{Addr: addr, Weight: max(int(s.Weight), 1)})
		}
	}
	return ins, nil
}

func (d *DNS) lookupHost(ctx context.Context, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	addrs, err := d.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("discovery: dns %s: %w", host, err)
	}
	for i, a := range addrs {
		addrs[i] = a.Unmap()
	}
	return addrs, nil
}

// Watch returns a watcher that resolves target at once and then every
// refresh interval, reporting the instances when they change. Lookup
// failures are reported by Next and retried at the next interval.
func (d *DNS) Watch(_ context.Context, target string) (Watcher, error) {
	return &dnsWatcher{d: d, target: target, closed: make(chan struct{})}, nil
}

type dnsWatcher struct {
	d         *DNS
	target    string
	closeOnce sync.Once
	closed    chan struct{}
	// Only Next uses these, and it is not called concurrently with itself.
	started bool
	last    []Instance
	timer   *time.Timer
}

func (w *dnsWatcher) Next(ctx context.Context) ([]Instance, error) {
	for {
		if w.started {
			if err := w.wait(ctx); err != nil {
				return nil, err
			}
		}
		w.started = true
		ins, err := w.d.Resolve(ctx, w.target)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		if w.last == nil || !SameInstances(ins, w.last) {
			if ins == nil {
				ins = []Instance{}
			}
			w.last = ins
			return ins, nil
		}
	}
}

// wait sleeps for one refresh interval, or until ctx ends or the watcher
// is closed.
func (w *dnsWatcher) wait(ctx context.Context) error {
	if w.timer == nil {
		w.timer = time.NewTimer(w.d.refresh)
	} else {
		w.timer.Reset(w.d.refresh)
	}
	select {
	case <-w.timer.C:
		return nil
	case <-w.closed:
		w.timer.Stop()
		return ErrClosed
	case <-ctx.Done():
		w.timer.Stop()
		return ctx.Err()
	}
}

func (w *dnsWatcher) Close() error {
	w.closeOnce.Do(func() { close(w.closed) })
	return nil
}
