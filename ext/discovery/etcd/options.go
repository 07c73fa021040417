package etcd

import (
	"strings"
	"time"

	"github.com/govolo/volo/ext/discovery"
)

// DefaultPrefix is the key prefix under which services are stored.
const DefaultPrefix = "/volo/services/"

// A RegistryOption configures a [Registry].
type RegistryOption interface{ applyRegistry(*config) }

// A DiscovererOption configures a [Discoverer].
type DiscovererOption interface{ applyDiscoverer(*config) }

// An Option configures both a Registry and a Discoverer. An option read by
// one of them only returns that one's type ([WithTTL] is a registration's),
// so passing it to the other does not compile. Zero or less, and nil, mean
// the default each option states.
type Option interface {
	RegistryOption
	DiscovererOption
}

type (
	optionFunc         func(*config)
	registryOptionFunc func(*config)
)

func (f optionFunc) applyRegistry(c *config)         { f(c) }
func (f optionFunc) applyDiscoverer(c *config)       { f(c) }
func (f registryOptionFunc) applyRegistry(c *config) { f(c) }

const defaultTTL = 10 * time.Second

type config struct {
	prefix  string
	ttl     time.Duration
	onError func(error)
}

func defaultConfig() config {
	return config{prefix: DefaultPrefix, ttl: defaultTTL, onError: func(error) {}}
}

func registryConfig(opts []RegistryOption) config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyRegistry(&c)
		}
	}
	return c
}

func discovererConfig(opts []DiscovererOption) config {
	c := defaultConfig()
	for _, o := range opts {
		if o != nil {
			o.applyDiscoverer(&c)
		}
	}
	return c
}

// WithPrefix sets the key prefix. Default: DefaultPrefix; the empty
// string: the default. A prefix that does not end in "/" gets one, so that
// service "a" never lists service "ab".
func WithPrefix(prefix string) Option {
	return optionFunc(func(c *config) {
		if prefix == "" {
			prefix = DefaultPrefix
		}
		if !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		c.prefix = prefix
	})
}

// WithTTL sets the lease of a registration: an instance whose process stops
// keeping it alive disappears within ttl. Default: 10s; zero or less: the
// default. Rounded up to whole seconds, the unit of etcd leases, at least
// 1s and at most MaxTTL. Only a Registry reads it.
func WithTTL(ttl time.Duration) RegistryOption {
	return registryOptionFunc(func(c *config) {
		if ttl <= 0 {
			ttl = defaultTTL
		}
		c.ttl = min(max(ttl, time.Second), MaxTTL)
	})
}

// MaxTTL is the longest lease etcd grants (9e9 seconds); a longer TTL counts
// as MaxTTL.
const MaxTTL = 9_000_000_000 * time.Second

// WithErrorHandler receives the errors of background work: keep-alive and
// re-registration failures of a Registry, watch failures of a Discoverer.
// Default: dropped. A nil f keeps the default.
func WithErrorHandler(f func(error)) Option {
	return optionFunc(func(c *config) {
		if f != nil {
			c.onError = f
		}
	})
}

func (c config) ttlSeconds() int64 {
	return int64((c.ttl + time.Second - 1) / time.Second)
}

func (c config) serviceKey(service string) string { return c.prefix + service + "/" }

// owns reports whether key, listed under the prefix of service, is one of
// service's instances. A service name may hold "/", so the keys of
// "echo/admin" lie under the prefix of "echo": a key whose rest after the
// prefix holds a "/" belongs to service only when that rest is in's
// address, as Register writes it (an address may hold "/" too).
func (c config) owns(service, key string, in discovery.Instance) bool {
	rest := strings.TrimPrefix(key, c.serviceKey(service))
	return rest == in.Addr || !strings.Contains(rest, "/")
}
