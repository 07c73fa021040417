package retry_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/motore"
)

func echoReq() motore.Service[*request, *request] {
	return motore.ServiceFn(func(_ context.Context, r *request) (*request, error) { return r, nil })
}

// A call whose first attempt succeeds allocates nothing in the layer,
// whatever the options.
func TestNoRetryPathAllocatesNothing(t *testing.T) {
	deadline, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	byMethod := func(context.Context, *request) string { return "Get" }
	classify := func(ctx context.Context, r *request, err error, p retry.Policy) bool {
		return r == nil || retry.ClassifyError(ctx, err, p)
	}
	tests := map[string]struct {
		ctx context.Context
		mw  motore.Middleware[*request, *request]
	}{
		"defaults":      {context.Background(), retry.New[*request, *request](nil)},
		"deadline":      {deadline, retry.New[*request, *request](nil)},
		"throttle":      {context.Background(), retry.New[*request, *request](nil, retry.WithBudget(retry.NewThrottle(10, 0.1)))},
		"classifier":    {context.Background(), retry.New[*request, *request](classify)},
		"method policy": {context.Background(), retry.NewFor(retry.Requests[*request]{Method: byMethod, Policies: map[string]retry.Policy{"Get": {MaxAttempts: 5}}}, retry.Classifier[*request](nil))},
		"shed":          {context.Background(), retry.Shed[*request, *request](retry.WithMaxInFlight(10), retry.WithCapacity(&fullLimiter{limit: 1}))},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			svc, err := motore.Build(echoReq(), tt.mw)
			require.NoError(t, err)
			r := &request{}
			assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = svc.Call(tt.ctx, r) }))
		})
	}
}

// A failure that is not retried allocates nothing either: classifying it
// walks the error's tree without errors.As.
func TestNonRetryableFailureAllocatesNothing(t *testing.T) {
	fail := motore.ServiceFn(func(context.Context, *request) (*request, error) { return nil, errBoom })
	svc, err := motore.Build(fail, retry.New[*request, *request](nil))
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = svc.Call(context.Background(), nil) }))

	shed, err := motore.Build(echoReq(), retry.Shed[*request, *request](retry.WithReady(func() bool { return false })))
	require.NoError(t, err)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = shed.Call(context.Background(), nil) }), "a shed allocates nothing")
}
