package motore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

var errBoom = errors.New("boom")

func TestMapRequest(t *testing.T) {
	rec := motoretest.NewRecorder[int, string](nil)
	svc := motore.MapRequest[string](func(_ context.Context, s string) int { return len(s) }).Layer(rec)
	_, err := svc.Call(context.Background(), "four")
	require.NoError(t, err)
	assert.Equal(t, []int{4}, rec.Requests())
	assert.Equal(t, []string{"map-request", "recorder"}, motore.Layers(svc))
}

func TestMapResponseOnlyOnSuccess(t *testing.T) {
	inner := motoretest.NewScripted[string](motoretest.Return("ok"), motoretest.Fail[string](errBoom))
	svc := motore.MapResponse[string](func(_ context.Context, s string) int { return len(s) }).Layer(inner)

	n, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	n, err = svc.Call(context.Background(), "")
	assert.ErrorIs(t, err, errBoom)
	assert.Zero(t, n)
}

func TestMapErrOnlyOnError(t *testing.T) {
	inner := motoretest.NewScripted[string](motoretest.Return("ok"), motoretest.Step[string]{Resp: "partial", Err: errBoom})
	calls := 0
	svc := motore.MapErr[string, string](func(_ context.Context, err error) error {
		calls++
		return fmt.Errorf("wrapped: %w", err)
	}).Layer(inner)

	resp, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "ok", resp)
	assert.Zero(t, calls)

	resp, err = svc.Call(context.Background(), "")
	assert.ErrorIs(t, err, errBoom)
	assert.EqualError(t, err, "wrapped: boom")
	assert.Equal(t, "partial", resp, "the response is passed through")
	assert.Equal(t, 1, calls)
}

func TestAndThen(t *testing.T) {
	inner := motoretest.NewScripted[string](motoretest.Return("12"), motoretest.Return("x"), motoretest.Fail[string](errBoom))
	parse := motore.AndThen[string](func(_ context.Context, s string) (int, error) {
		var n int
		_, err := fmt.Sscan(s, &n)
		return n, err
	})
	svc := parse.Layer(inner)

	n, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, 12, n)

	_, err = svc.Call(context.Background(), "")
	assert.Error(t, err)

	_, err = svc.Call(context.Background(), "")
	assert.ErrorIs(t, err, errBoom)
	assert.Equal(t, []string{"and-then", "scripted"}, motore.Layers(svc))
}

func TestFilterRejectsWithoutCallingInner(t *testing.T) {
	errEmpty := errors.New("empty request")
	rec := motoretest.NewRecorder[string, string](motore.ServiceFn(echo))
	svc := motore.Filter[string](func(_ context.Context, req string) error {
		if req == "" {
			return errEmpty
		}
		return nil
	}).Layer(rec)

	_, err := svc.Call(context.Background(), "")
	assert.ErrorIs(t, err, errEmpty)
	resp, err := svc.Call(context.Background(), "ok")
	require.NoError(t, err)
	assert.Equal(t, "ok", resp)
	assert.Equal(t, []string{"ok"}, rec.Requests())
}

func TestTimeoutFires(t *testing.T) {
	inner := motoretest.NewScripted[string](motoretest.Return("late").After(time.Minute))
	svc := motore.Timeout[string, string](20 * time.Millisecond).Layer(inner)

	start := time.Now()
	resp, err := svc.Call(context.Background(), "")
	assert.Less(t, time.Since(start), 30*time.Second, "the scripted service watches ctx")
	assert.Empty(t, resp)
	assert.ErrorIs(t, err, motore.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "after 20ms")
	var te interface{ Timeout() bool }
	require.ErrorAs(t, err, &te)
	assert.True(t, te.Timeout())
	assert.Equal(t, []string{"timeout(20ms)", "scripted"}, motore.Layers(svc))
}

func TestTimeoutKeepsInnerError(t *testing.T) {
	inner := motore.ServiceFn(func(ctx context.Context, _ string) (string, error) {
		<-ctx.Done()
		return "", fmt.Errorf("transport gave up: %w", errBoom)
	})
	_, err := motore.Timeout[string, string](time.Millisecond).Layer(inner).Call(context.Background(), "")
	assert.ErrorIs(t, err, motore.ErrTimeout)
	assert.ErrorIs(t, err, errBoom)
}

func TestTimeoutPassesFastCallsAndParentErrors(t *testing.T) {
	svc := motore.Timeout[string, string](time.Minute).Layer(motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
		dl, ok := ctx.Deadline()
		if !ok || time.Until(dl) > time.Minute {
			return "", errors.New("no deadline set")
		}
		return req, ctx.Err()
	}))
	resp, err := svc.Call(context.Background(), "fast")
	require.NoError(t, err)
	assert.Equal(t, "fast", resp)

	// A caller's own cancellation is not reported as this layer's timeout.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = svc.Call(ctx, "x")
	assert.ErrorIs(t, err, context.Canceled)
	assert.NotErrorIs(t, err, motore.ErrTimeout)
}

// When an outer Timeout layer's deadline passes first, an inner one with a
// longer deadline passes the error on instead of claiming the timeout.
func TestNestedTimeoutBlamesTheLayerThatFired(t *testing.T) {
	var innerErr error
	perTry := motore.Timeout[string, string](time.Hour).Layer(motore.ServiceFn(func(ctx context.Context, _ string) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	}))
	spy := motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
		_, innerErr = perTry.Call(ctx, req)
		return "", innerErr
	})
	_, err := motore.Timeout[string, string](time.Millisecond).Layer(spy).Call(context.Background(), "")

	assert.ErrorIs(t, innerErr, context.DeadlineExceeded)
	assert.NotErrorIs(t, innerErr, motore.ErrTimeout, "the one-hour layer did not time out: %v", innerErr)
	assert.ErrorIs(t, err, motore.ErrTimeout)
	assert.EqualError(t, err, "motore: call timed out after 1ms: context deadline exceeded")
}

func TestTimeoutZeroIsNoLayer(t *testing.T) {
	inner := motore.ServiceFn(echo)
	svc := motore.Timeout[string, string](0).Layer(inner)
	assert.Equal(t, motore.Layers(inner), motore.Layers(svc))
	svc = motore.Timeout[string, string](-time.Second).Layer(inner)
	assert.Equal(t, motore.Layers(inner), motore.Layers(svc))
}

func TestCatchPanic(t *testing.T) {
	inner := motoretest.NewScripted[string](
		motoretest.Step[string]{Panic: "kaboom"},
		motoretest.Step[string]{Panic: errBoom},
		motoretest.Return("fine"),
	)
	svc := motore.CatchPanic[string, string]().Layer(inner)

	resp, err := svc.Call(context.Background(), "")
	assert.Empty(t, resp)
	assert.ErrorIs(t, err, motore.ErrPanic)
	var pe *motore.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "kaboom", pe.Value)
	assert.Contains(t, string(pe.Stack), "motoretest.(*Scripted[...]).Call")
	assert.Equal(t, "motore: panic recovered: kaboom", err.Error())

	_, err = svc.Call(context.Background(), "")
	assert.ErrorIs(t, err, motore.ErrPanic)
	assert.ErrorIs(t, err, errBoom, "an error panic value is unwrapped")

	resp, err = svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, "fine", resp)
}

func TestCatchPanicNilPanic(t *testing.T) {
	svc := motore.CatchPanic[string, string]().Layer(motore.ServiceFn(func(context.Context, string) (string, error) {
		panic(nil)
	}))
	_, err := svc.Call(context.Background(), "")
	assert.ErrorIs(t, err, motore.ErrPanic)
	assert.True(t, strings.Contains(err.Error(), "nil"), err.Error())
}
