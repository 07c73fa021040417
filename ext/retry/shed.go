package retry

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/govolo/volo/motore"
)

// Shed returns a middleware that refuses a call at once, with [ErrShed],
// when the service below it is at capacity, instead of letting the call
// queue or time out there (Tower's load_shed): when [WithMaxInFlight] calls
// are in flight through it, when the limiter of [WithCapacity] is full, or
// when [WithReady] says no. With none of these options it lets every call
// through. ErrShed says not to retry, so a retry layer above it (in this
// process, or in a caller across an RPC hop, where its code is
// "resource_exhausted") does not turn a refusal into more load. Each refusal
// is reported to the hook of [WithOnDecision].
//
// The admitted path allocates nothing, and neither does a refusal. A nil
// inner service panics with a *motore.BuildError when the layer is applied.
func Shed[Req, Resp any](opts ...ShedOption) motore.Middleware[Req, Resp] {
	c := shedConfig(opts)
	return motore.LayerFunc[motore.Service[Req, Resp], motore.Service[Req, Resp]](func(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
		motore.CheckBuild("shed", next, nil)
		return &shedService[Req, Resp]{next: next, cfg: c, max: int64(c.maxInFlight), desc: describeShed(c)}
	})
}

type shedService[Req, Resp any] struct {
	next     motore.Service[Req, Resp]
	cfg      *config
	max      int64
	inFlight atomic.Int64
	desc     string
}

func (s *shedService[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	if s.full() {
		s.cfg.report(ctx, Decision{Reason: ReasonShed, Err: ErrShed})
		var zero Resp
		return zero, ErrShed
	}
	if s.max > 0 {
		if s.inFlight.Add(1) > s.max {
			s.inFlight.Add(-1)
			s.cfg.report(ctx, Decision{Reason: ReasonShed, Err: ErrShed})
			var zero Resp
			return zero, ErrShed
		}
		defer s.inFlight.Add(-1)
	}
	return s.next.Call(ctx, req)
}

// full reports whether the limiter below, or the readiness test, says no.
func (s *shedService[Req, Resp]) full() bool {
	if s.cfg.ready != nil && !s.cfg.ready() {
		return true
	}
	if c := s.cfg.capacity; c != nil && c.InFlight() >= c.Limit() {
		return true
	}
	return false
}

// InFlight returns the calls in flight through the layer, counted only
// with WithMaxInFlight.
func (s *shedService[Req, Resp]) InFlight() int { return int(s.inFlight.Load()) }

// Describe names the layer and what it watches.
func (s *shedService[Req, Resp]) Describe() string { return s.desc }

// Unwrap returns the service below.
func (s *shedService[Req, Resp]) Unwrap() any { return s.next }

func describeShed(c *config) string {
	var parts []string
	if c.maxInFlight > 0 {
		parts = append(parts, fmt.Sprintf("max %d in flight", c.maxInFlight))
	}
	if c.capacity != nil {
		parts = append(parts, "capacity")
	}
	if c.ready != nil {
		parts = append(parts, "ready")
	}
	return "shed(" + strings.Join(parts, ", ") + ")"
}
