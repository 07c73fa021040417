package ratelimit

import (
	"context"
	"strconv"

	"golang.org/x/time/rate"

	"github.com/govolo/volo/motore"
)

// Keyed is a token-bucket rate limit per key: per caller, per method, per
// tenant, whatever its key function returns. A metainfo value read from the
// context makes a natural key. It is a motore middleware; services built
// from one Keyed share its buckets.
//
// The keys held are bounded: at most [WithMaxKeys] of them, the least
// recently used forgotten first, and a key idle for [WithIdleTimeout] is
// forgotten too, so a stream of fresh keys cannot grow memory without bound.
type Keyed[Req, Resp any] struct {
	key   func(ctx context.Context, req Req) string
	store *keyStore
	cfg   *config
}

// NewKeyed returns a per-key rate limit: each key gets its own bucket that
// fills at limit tokens per second and holds at most burst tokens, as
// rate.NewLimiter(limit, burst) would. A call finding its key's bucket empty
// is rejected with a *LimitedError carrying the key (errors.Is(err,
// ErrLimited)), or waits with [WithWait].
//
// A nil key function is reported when the middleware is applied, as a
// *motore.BuildError wrapping motore.ErrNilFunc.
//
// Options read: [WithMaxKeys], [WithIdleTimeout], [WithWait], [WithOnReject].
func NewKeyed[Req, Resp any](key func(ctx context.Context, req Req) string, limit rate.Limit, burst int, opts ...KeyedOption) *Keyed[Req, Resp] {
	cfg := keyedConfig(opts)
	return &Keyed[Req, Resp]{
		key:   key,
		store: newKeyStore(limit, burst, cfg.maxKeys, cfg.idle),
		cfg:   cfg,
	}
}

// Layer wraps next so that each call spends a token of its key's bucket.
func (k *Keyed[Req, Resp]) Layer(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
	var err error
	if k.key == nil {
		err = motore.ErrNilFunc
	}
	motore.CheckBuild("ratelimit per key", next, err)
	return &keyedService[Req, Resp]{k: k, next: next}
}

// Len returns the number of keys held now.
func (k *Keyed[Req, Resp]) Len() int { return k.store.len() }

// Limit returns the rate of every key's bucket, in tokens per second.
func (k *Keyed[Req, Resp]) Limit() rate.Limit {
	l, _ := k.store.settings()
	return l
}

// Burst returns the size of every key's bucket.
func (k *Keyed[Req, Resp]) Burst() int {
	_, b := k.store.settings()
	return b
}

// SetLimit changes the rate of every bucket, those held and those to come.
func (k *Keyed[Req, Resp]) SetLimit(limit rate.Limit) { k.store.setLimit(limit) }

// SetBurst changes the size of every bucket, those held and those to come.
func (k *Keyed[Req, Resp]) SetBurst(burst int) { k.store.setBurst(burst) }

// Describe names the limit in stack descriptions.
func (k *Keyed[Req, Resp]) Describe() string {
	l, b := k.store.settings()
	return "ratelimit per key(" + describeBucket(l, b, k.cfg) + ", max " + strconv.Itoa(k.store.max) + " keys)"
}

type keyedService[Req, Resp any] struct {
	k    *Keyed[Req, Resp]
	next motore.Service[Req, Resp]
}

func (s *keyedService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	key := s.k.key(ctx, req)
	now := clockNow()
	lim := s.k.store.limiter(key, now)
	if !lim.AllowN(now, 1) {
		if err := s.k.cfg.refuse(ctx, lim, now, "keyed rate", key); err != nil {
			var zero Resp
			return zero, err
		}
	}
	return s.next.Call(ctx, req)
}

func (s *keyedService[Req, Resp]) Describe() string { return s.k.Describe() }
func (s *keyedService[Req, Resp]) Unwrap() any      { return s.next }
