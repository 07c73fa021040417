package motoretest_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestRecorderCountsConcurrentCalls(t *testing.T) {
	release := make(chan struct{})
	rec := motoretest.NewRecorder(motore.ServiceFn(func(_ context.Context, n int) (int, error) {
		<-release
		return n, nil
	}))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = rec.Call(context.Background(), i)
		}()
	}
	require.Eventually(t, func() bool { return rec.InFlight() == 8 }, 5*time.Second, time.Millisecond)
	close(release)
	wg.Wait()
	assert.Equal(t, 8, rec.Count())
	assert.Equal(t, 8, rec.MaxInFlight())
	assert.Zero(t, rec.InFlight())
	assert.ElementsMatch(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, rec.Requests())

	rec.Reset()
	assert.Zero(t, rec.Count())
	assert.Zero(t, rec.MaxInFlight())
}

func TestRecorderCountsFailures(t *testing.T) {
	errBoom := errors.New("boom")
	rec := motoretest.NewRecorder[string, int](motoretest.NewScripted[string](
		motoretest.Return(1), motoretest.Fail[int](errBoom), motoretest.Return(2)))
	for range 3 {
		_, _ = rec.Call(context.Background(), "")
	}
	assert.Equal(t, 3, rec.Count())
	assert.Equal(t, 1, rec.Failures())
	rec.Reset()
	assert.Zero(t, rec.Failures())
}

func TestRecorderWithoutHandlerReturnsZero(t *testing.T) {
	rec := motoretest.NewRecorder[string, int](nil)
	n, err := rec.Call(context.Background(), "x")
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestScriptedRunsInOrderThenExhausts(t *testing.T) {
	errBoom := errors.New("boom")
	s := motoretest.NewScripted[string](motoretest.Return(1), motoretest.Fail[int](errBoom))
	n, err := s.Call(context.Background(), "")
	assert.Equal(t, 1, n)
	assert.NoError(t, err)
	_, err = s.Call(context.Background(), "")
	assert.ErrorIs(t, err, errBoom)
	_, err = s.Call(context.Background(), "")
	assert.ErrorIs(t, err, motoretest.ErrExhausted)
	assert.Equal(t, 2, s.Calls())

	s.Then(motoretest.Return(3))
	n, err = s.Call(context.Background(), "")
	assert.Equal(t, 3, n)
	assert.NoError(t, err)
}

func TestScriptedRepeatLast(t *testing.T) {
	s := motoretest.NewScripted[string](motoretest.Return(1), motoretest.Return(2)).RepeatLast()
	for _, want := range []int{1, 2, 2, 2} {
		n, err := s.Call(context.Background(), "")
		require.NoError(t, err)
		assert.Equal(t, want, n)
	}
	assert.Equal(t, 4, s.Calls())

	empty := motoretest.NewScripted[string, int]().RepeatLast()
	_, err := empty.Call(context.Background(), "")
	assert.ErrorIs(t, err, motoretest.ErrExhausted)
}

func TestScriptedDelayWatchesContext(t *testing.T) {
	s := motoretest.NewScripted[string](motoretest.Return(1).After(time.Hour), motoretest.Return(2).After(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
	defer cancel()
	_, err := s.Call(ctx, "")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	n, err := s.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

func TestScriptedPanics(t *testing.T) {
	s := motoretest.NewScripted[string, int](motoretest.Step[int]{Panic: "scripted panic"})
	assert.PanicsWithValue(t, "scripted panic", func() { _, _ = s.Call(context.Background(), "") })
}
