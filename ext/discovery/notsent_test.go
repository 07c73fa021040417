package discovery_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore/motoretest"
)

// rejection is a rejection by a layer under the balancer that this package
// does not import, as ext/circuitbreaker's (code "unavailable") and
// ext/ratelimit's ("resource_exhausted") are.
type rejection struct {
	code    string
	notSent bool
}

func (r *rejection) Error() string   { return "rejected: " + r.code }
func (r *rejection) RPCCode() string { return r.code }
func (r *rejection) NotSent() bool   { return r.notSent }

var (
	errBreakerOpen = &rejection{code: "unavailable", notSent: true}
	errLimited     = &rejection{code: "resource_exhausted", notSent: true}
)

func TestIsConnectionErrorTakesEveryErrorNeverSent(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"ErrConnection", fmt.Errorf("dial: %w", discovery.ErrConnection), true},
		{"dial error", dialErr(), true},
		{"breaker rejection", errBreakerOpen, true},
		{"limiter rejection", errLimited, true},
		{"wrapped", fmt.Errorf("attempt 1: %w", errBreakerOpen), true},
		{"joined", errors.Join(errors.New("other"), errLimited), true},
		{"says it was sent", &rejection{code: "unavailable"}, false},
		{"the first in the chain decides", fmt.Errorf("%w: %w", &rejection{code: "internal"}, errBreakerOpen), false},
		{"sent", errors.New("application error"), false},
	} {
		assert.Equal(t, tc.want, discovery.IsConnectionError(tc.err), tc.name)
	}
}

// An open breaker of one instance under the balancer sends the call to
// another instance, and its rejections eject the instance as failed
// connections do.
func TestBreakerRejectionsAreRetriedElsewhereAndEject(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			ins := instances(3)
			sick := ins[1].Addr
			inner := &byInstance{}
			inner.fail(sick, fmt.Errorf("instance %s: %w", sick, errBreakerOpen))
			b, _ := newBalancer(t, ins, discovery.WithPolicy(p), discovery.WithRandom(seeded(3)),
				discovery.WithOutlierDetection(3, time.Hour))
			rec := motoretest.NewRecorder[string, string](inner)
			svc := discovery.LoadBalance[string, string](b, func(_ context.Context, req string) string { return req }).Layer(rec)
			rejected := 0
			for i := range 60 {
				rec.Reset()
				got, err := svc.Call(context.Background(), fmt.Sprint("key-", i))
				require.NoError(t, err, "call %d", i)
				assert.NotEqual(t, sick, got)
				rejected += rec.Count() - 1
			}
			assert.True(t, b.Ejected(sick), "ejected after three rejections in a row")
			assert.Equal(t, 3, rejected, "no pick of the sick instance after its ejection")
		})
	}
}

// A limiter's rejection is retried elsewhere but never ejects: a limit
// shared by every instance (the caller's own) would otherwise eject them
// all, up to the bound.
func TestLimiterRejectionsAreRetriedElsewhereButNeverEject(t *testing.T) {
	ins := instances(3)
	inner := &byInstance{}
	for _, in := range ins {
		inner.fail(in.Addr, errLimited)
	}
	b, _ := newBalancer(t, ins, discovery.WithRetries(2), discovery.WithOutlierDetection(1, time.Hour),
		discovery.WithMaxEjectedPercent(100))
	rec := motoretest.NewRecorder[string, string](inner)
	svc := discovery.LoadBalance[string, string](b, nil).Layer(rec)
	for range 20 {
		rec.Reset()
		_, err := svc.Call(context.Background(), "req")
		assert.ErrorIs(t, err, errLimited)
		assert.Equal(t, 3, rec.Count(), "tried on each instance once")
	}
	for _, in := range ins {
		assert.False(t, b.Ejected(in.Addr), in.Addr)
	}

	// With room on one instance, the call gets there.
	inner.fail(ins[2].Addr, nil)
	got, err := svc.Call(context.Background(), "req")
	require.NoError(t, err)
	assert.Equal(t, ins[2].Addr, got)
}

// A limiter's rejection neither counts toward ejection nor ends a run of
// failed connections; an answer, even an error, does end it.
func TestLimiterRejectionsLeaveTheRunOfFailures(t *testing.T) {
	ins := instances(1)
	inner := &byInstance{}
	b, _ := newBalancer(t, ins, discovery.WithoutRetries(), discovery.WithOutlierDetection(3, time.Hour))
	svc := discovery.LoadBalance[string, string](b, nil).Layer(inner)
	call := func(err error) {
		t.Helper()
		inner.fail(ins[0].Addr, err)
		_, got := svc.Call(context.Background(), "req")
		require.ErrorIs(t, got, err)
	}
	call(discovery.ErrConnection)
	call(discovery.ErrConnection)
	call(errLimited)
	call(errLimited)
	require.False(t, b.Ejected(ins[0].Addr))
	call(errors.New("application error"))
	call(discovery.ErrConnection)
	call(discovery.ErrConnection)
	require.False(t, b.Ejected(ins[0].Addr), "the answer ended the run")
	call(errLimited)
	call(discovery.ErrConnection)
	assert.True(t, b.Ejected(ins[0].Addr), "three failed connections in a row, a limiter's rejection between them")
}

// A custom classifier decides what is retried; an error that says it was
// never sent is still no answer from the instance, so it does not end a
// run of failures even when the classifier does not take it.
func TestCustomClassifierAndErrorsNeverSent(t *testing.T) {
	ins := instances(2)
	inner := &byInstance{}
	inner.fail(ins[0].Addr, errBreakerOpen)
	onlyDials := discovery.WithConnectionClassifier(func(err error) bool { return errors.Is(err, discovery.ErrConnection) })
	b, _ := newBalancer(t, ins, onlyDials)
	rec := motoretest.NewRecorder[string, string](inner)
	_, err := discovery.LoadBalance[string, string](b, nil).Layer(rec).Call(context.Background(), "req")
	assert.ErrorIs(t, err, errBreakerOpen)
	assert.Equal(t, 1, rec.Count(), "not retried, as the classifier says")

	one := instances(1)
	b1, _ := newBalancer(t, one, onlyDials, discovery.WithoutRetries(), discovery.WithOutlierDetection(2, time.Hour))
	svc := discovery.LoadBalance[string, string](b1, nil).Layer(inner)
	for _, err := range []error{discovery.ErrConnection, errBreakerOpen, discovery.ErrConnection} {
		inner.fail(one[0].Addr, err)
		_, got := svc.Call(context.Background(), "req")
		require.ErrorIs(t, got, err)
	}
	assert.True(t, b1.Ejected(one[0].Addr), "two failed connections in a row, the rejection between them")
}

// A call rejected under the balancer took no time at the instance: were it
// a latency sample, PeakEWMA would take an instance whose breaker is open
// for the fastest and send it more calls. Whatever the classifier says, a
// rejection is no sample; an answer is.
func TestPeakEWMARejectionsAreNoLatencySamples(t *testing.T) {
	for _, tc := range []struct {
		name string
		opt  discovery.Option
	}{
		{"default classifier", nil},
		{"a classifier that takes nothing", discovery.WithConnectionClassifier(func(error) bool { return false })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ins := instances(2)
			b, _ := newBalancer(t, ins, tc.opt, discovery.WithPolicy(discovery.PeakEWMA(0)), discovery.WithoutOutlierDetection())
			var now int64
			discovery.SetClock(b, func() int64 { return now })
			// Every pick of an instance with no estimate is timed.
			for range 10 {
				p, err := b.Pick("")
				require.NoError(t, err)
				now += int64(time.Microsecond)
				p.Done(fmt.Errorf("instance %s: %w", p.Instance().Addr, errBreakerOpen))
			}
			for _, in := range ins {
				assert.Zero(t, discovery.Estimate(b, in.Addr), "%s: a rejection is no fast answer", in.Addr)
			}
			p, err := b.Pick("")
			require.NoError(t, err)
			now += int64(5 * time.Millisecond)
			p.Done(nil)
			assert.Equal(t, 5*time.Millisecond, discovery.Estimate(b, p.Instance().Addr), "an answer is a sample")
		})
	}
}
