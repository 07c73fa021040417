package discovery

import (
	"context"
	"fmt"

	"github.com/govolo/volo/motore"
)

type instanceKey struct{}

// InstanceFromContext returns the instance the LoadBalance layer picked for
// this call, for the layers below it (the transport dials its Addr).
func InstanceFromContext(ctx context.Context) (Instance, bool) {
	ep, ok := ctx.Value(instanceKey{}).(*endpoint)
	if !ok {
		return Instance{}, false
	}
	return ep.inst, true
}

// LoadBalance returns a middleware that picks an instance from b for each
// call and passes it down in the context (see InstanceFromContext). key
// gives the call's key for ConsistentHash; it may be nil for the other
// policies (with ConsistentHash, a nil key sends every call to the
// instance of the empty key).
//
// A call that fails without reaching the instance (see
// WithConnectionClassifier: a failed connection, or the rejection of a
// circuit breaker or limiter per instance below this layer, which says
// NotSent() true) is retried on an instance not tried yet for it, up to
// the balancer's retry count (WithRetries), while ctx is alive. A call
// that reached an instance is not retried: it may have run there.
// Under a context of WithTried, the instances picked by earlier calls with
// that context are avoided too, and each pick is remembered there.
// The error of the last attempt is returned. With no instance to pick, the
// call fails with ErrNoInstance and the next service is not called.
//
// The balancer is shared, not owned: close it when the service is no
// longer used. A nil b or inner service panics with a *motore.BuildError
// when the layer is applied.
func LoadBalance[Req, Resp any](b *Balancer, key func(ctx context.Context, req Req) string) motore.Middleware[Req, Resp] {
	return motore.LayerFunc[motore.Service[Req, Resp], motore.Service[Req, Resp]](func(next motore.Service[Req, Resp]) motore.Service[Req, Resp] {
		var err error
		if b == nil {
			err = motore.ErrNilLayer
		}
		motore.CheckBuild("loadbalance", next, err)
		return &balanced[Req, Resp]{b: b, key: key, next: next}
	})
}

type balanced[Req, Resp any] struct {
	b    *Balancer
	key  func(ctx context.Context, req Req) string
	next motore.Service[Req, Resp]
}

func (s *balanced[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	var h uint64
	if s.key != nil && s.b.hashed {
		h = hashKey(s.key(ctx, req))
	}
	var x exclude
	t, _ := ctx.Value(triedKey{}).(*tried)
	if t != nil && t.n.Load() > 0 {
		x.avoid = t
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		p, err := s.b.pick(h, x)
		if err != nil && x.avoid != nil {
			// Every instance was picked under this context: one picked
			// before rather than none.
			x.avoid = nil
			p, err = s.b.pick(h, x)
		}
		if err != nil {
			if lastErr != nil {
				err = lastErr
			}
			var zero Resp
			return zero, err
		}
		if t != nil {
			t.add(p.ep)
		}
		resp, err := s.next.Call(context.WithValue(ctx, instanceKey{}, p.ep), req)
		retry := s.b.done1(p.ep, p.start, p.timed, err)
		if !retry || attempt >= s.b.cfg.retries || ctx.Err() != nil {
			return resp, err
		}
		x.add(p.ep)
		lastErr = err
	}
}

func (s *balanced[Req, Resp]) Describe() string {
	return fmt.Sprintf("loadbalance(%s)", s.b.Describe())
}

func (s *balanced[Req, Resp]) Unwrap() any { return s.next }
