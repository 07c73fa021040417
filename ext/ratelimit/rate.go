package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/govolo/volo/motore"
)

// ErrNilLimiter is the build error (inside a *motore.BuildError) of a rate
// layer given a nil limiter.
var ErrNilLimiter = errors.New("ratelimit: nil limiter")

// Limiter is the token bucket a [Rate] layer spends from: what the layer
// calls of it, and no more. A *rate.Limiter is one; a wrapper of it (one
// that counts, or that changes its rate from a config store) can be too.
type Limiter interface {
	AllowN(t time.Time, n int) bool
	ReserveN(t time.Time, n int) *rate.Reservation
	TokensAt(t time.Time) float64
	Limit() rate.Limit
	Burst() int
}

var (
	_ Limiter                     = (*rate.Limiter)(nil)
	_ motore.Middleware[int, int] = (*Concurrency[int, int])(nil)
	_ motore.Middleware[int, int] = (*Adaptive[int, int])(nil)
	_ motore.Middleware[int, int] = (*Keyed[int, int])(nil)
)

// Rate returns a middleware that admits calls at the rate of lim, a token
// bucket: each call takes a token, and a call that finds none is rejected
// with a *LimitedError (errors.Is(err, ErrLimited)) whose RetryAfter is the
// time until the next token. With [WithWait] it waits for its token instead,
// as long as the context and the option allow.
//
// The limiter is the caller's: change the rate or burst at run time with
// lim.SetLimit and lim.SetBurst, and every service built from the middleware
// follows. Services built from one middleware share lim.
//
// Options read: [WithWait], [WithOnReject]. The admitted path allocates
// nothing; a rejection allocates its error. A nil lim (a nil *rate.Limiter
// too) is a build error wrapping [ErrNilLimiter].
func Rate[Req, Resp any](lim Limiter, opts ...RateOption) motore.Middleware[Req, Resp] {
	cfg := rateConfig(opts)
	return motore.LayerFunc[motore.Service[Req, Resp], motore.Service[Req, Resp]](
		func(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
			var err error
			if rl, ok := lim.(*rate.Limiter); lim == nil || ok && rl == nil {
				err = ErrNilLimiter
			}
			motore.CheckBuild("ratelimit", next, err)
			return &rateService[Req, Resp]{lim: lim, cfg: cfg, next: next}
		})
}

type rateService[Req, Resp any] struct {
	lim  Limiter
	cfg  *config
	next motore.Service[Req, Resp]
}

func (s *rateService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	now := clockNow()
	if s.lim.AllowN(now, 1) {
		return s.next.Call(ctx, req)
	}
	return s.refused(ctx, req, now)
}

// refused is the path of a call that found the bucket empty at now, kept
// out of Call so that the admitted path stays small.
func (s *rateService[Req, Resp]) refused(ctx context.Context, req Req, now time.Time) (Resp, error) {
	if err := s.cfg.refuse(ctx, s.lim, now, "rate", ""); err != nil {
		var zero Resp
		return zero, err
	}
	return s.next.Call(ctx, req)
}

func (s *rateService[Req, Resp]) Describe() string {
	return "ratelimit(" + describeBucket(s.lim.Limit(), s.lim.Burst(), s.cfg) + ")"
}

func (s *rateService[Req, Resp]) Unwrap() any { return s.next }

// refuse handles a call that found lim's bucket empty at now. In wait mode
// it reserves a token and waits for it if it comes in time; otherwise, or
// when it would not, it rejects. A nil result admits the call.
func (c *config) refuse(ctx context.Context, lim Limiter, now time.Time, name, key string) error {
	if !c.wait {
		return c.reject(ctx, LimitedError{Limiter: name, Key: key, RetryAfter: untilToken(lim, now)})
	}
	r, at := c.reserve(lim)
	if !r.OK() {
		// The burst is below one token: no wait will help.
		return c.reject(ctx, LimitedError{Limiter: name, Key: key})
	}
	if r.DelayFrom(at) == rate.InfDuration {
		// The rate is zero or less, or so low that the token is further
		// away than a time.Duration reaches: it never comes, and waiting
		// for it would block until the context ends, forever without a
		// deadline.
		c.cancel(r)
		return c.reject(ctx, LimitedError{Limiter: name, Key: key})
	}
	now = time.Now()
	delay := r.DelayFrom(now)
	if delay == 0 {
		return nil
	}
	budget := time.Duration(math.MaxInt64)
	if c.maxWait > 0 {
		budget = c.maxWait
	}
	if deadline, ok := ctx.Deadline(); ok {
		budget = min(budget, deadline.Sub(now))
	}
	if delay > budget {
		c.cancel(r)
		return c.reject(ctx, LimitedError{Limiter: name, Key: key, RetryAfter: delay})
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		c.cancel(r)
		return ctx.Err()
	}
}

// reserve reserves a token, reading the clock under a lock of its own. A
// rate.Limiter takes the time of each call as given, and a call that reaches
// its lock with an older reading than the previous one moves the limiter's
// clock back, so the time in between is counted twice (golang/go#65508).
// With tokens reserved ahead, as waiting callers do, that would admit more
// than the rate; this lock keeps the readings in order for the callers of
// this layer. It is taken only on the waiting path. It returns the time
// the token was reserved at, too.
func (c *config) reserve(lim Limiter) (*rate.Reservation, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	return lim.ReserveN(now, 1), now
}

// cancel gives r's token back, reading the clock under the same lock as
// reserve, for the same reason.
func (c *config) cancel(r *rate.Reservation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r.CancelAt(time.Now())
}

// untilToken estimates how long lim takes to hold a whole token again, or
// returns zero when it never will, or not within what a time.Duration can
// hold (converting a larger float would overflow, to a negative hint).
func untilToken(lim Limiter, now time.Time) time.Duration {
	limit := lim.Limit()
	if limit <= 0 || limit == rate.Inf || lim.Burst() < 1 {
		return 0
	}
	missing := 1 - lim.TokensAt(now)
	if missing <= 0 {
		// Refilled since the failed attempt.
		return time.Nanosecond
	}
	d := missing / float64(limit) * float64(time.Second)
	if !(d < math.MaxInt64) { // NaN too, for a NaN limit
		return 0
	}
	return time.Duration(d)
}

// describeBucket renders a bucket's settings as "100/s, burst 10, wait".
func describeBucket(limit rate.Limit, burst int, c *config) string {
	var s string
	if limit == rate.Inf {
		s = "unlimited"
	} else {
		s = strconv.FormatFloat(float64(limit), 'g', -1, 64) + "/s, burst " + strconv.Itoa(burst)
	}
	switch {
	case c.wait && c.maxWait > 0:
		s += fmt.Sprintf(", wait up to %v", c.maxWait)
	case c.wait:
		s += ", wait"
	}
	return s
}
