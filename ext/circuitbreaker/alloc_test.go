package circuitbreaker_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/motore"
)

type req struct{ id int64 }

func echoReq() motore.Service[*req, *req] {
	return motore.ServiceFn(func(_ context.Context, r *req) (*req, error) { return r, nil })
}

func TestClosedPathAllocatesNothing(t *testing.T) {
	ctx := context.Background()
	r := &req{id: 1}
	keyed := circuitbreaker.NewGroup[*req, *req](func(context.Context, *req) string { return "svc/method" }, nil)
	withClassifier := circuitbreaker.New[*req, *req](func(ctx context.Context, resp *req, err error) circuitbreaker.Outcome {
		if resp != nil && resp.id < 0 {
			return circuitbreaker.Failure
		}
		return circuitbreaker.ClassifyError(ctx, err)
	})
	tests := map[string]motore.Middleware[*req, *req]{
		"breaker":         circuitbreaker.New[*req, *req](nil),
		"breaker+classif": withClassifier,
		"group":           keyed,
	}
	for name, mw := range tests {
		t.Run(name, func(t *testing.T) {
			svc := mw.Layer(echoReq())
			_, err := svc.Call(ctx, r) // adds the group's key
			require.NoError(t, err)
			allocs := testing.AllocsPerRun(1000, func() { _, _ = svc.Call(ctx, r) })
			assert.Zero(t, allocs)
		})
	}
}

func TestRejectionAllocatesNothing(t *testing.T) {
	ctx := context.Background()
	br := circuitbreaker.New[*req, *req](nil, circuitbreaker.WithConsecutiveFailures(1), circuitbreaker.WithOpenTimeout(time.Hour))
	svc := br.Layer(motore.ServiceFn(func(context.Context, *req) (*req, error) { return nil, errDown }))
	_, _ = svc.Call(ctx, nil)
	_, err := svc.Call(ctx, nil)
	require.ErrorIs(t, err, circuitbreaker.ErrOpen)
	allocs := testing.AllocsPerRun(1000, func() { _, _ = svc.Call(ctx, nil) })
	assert.Zero(t, allocs, "the rejection error is made once per breaker")
}
