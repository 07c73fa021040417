package metainfo_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
)

func TestWithValueAndGetValue(t *testing.T) {
	ctx := context.Background()
	_, ok := metainfo.GetValue(ctx, "k")
	assert.False(t, ok)

	ctx = metainfo.WithValue(ctx, "k", "v1")
	ctx = metainfo.WithValue(ctx, "k2", "v2")
	v, ok := metainfo.GetValue(ctx, "k")
	assert.True(t, ok)
	assert.Equal(t, "v1", v)

	ctx2 := metainfo.WithValue(ctx, "k", "v3")
	v, _ = metainfo.GetValue(ctx2, "k")
	assert.Equal(t, "v3", v)
	v, _ = metainfo.GetValue(ctx, "k")
	assert.Equal(t, "v1", v, "the parent context is unchanged")

	assert.Same(t, ctx, metainfo.WithValue(ctx, "k", "v1"), "setting the same value changes nothing")

	_, ok = metainfo.GetPersistentValue(ctx, "k")
	assert.False(t, ok, "kinds are separate")
	assert.Equal(t, 2, metainfo.CountValues(ctx))
	assert.Equal(t, 0, metainfo.CountPersistentValues(ctx))
}

func TestPersistentValues(t *testing.T) {
	ctx := metainfo.WithPersistentValue(context.Background(), "p", "1")
	ctx = metainfo.WithValue(ctx, "t", "2")
	ctx = metainfo.WithPersistentValue(ctx, "q", "3")
	ctx = metainfo.WithPersistentValue(ctx, "p", "4")

	assert.Equal(t, map[string]string{"p": "4", "q": "3"}, metainfo.GetAllPersistentValues(ctx))
	assert.Equal(t, map[string]string{"t": "2"}, metainfo.GetAllValues(ctx))
	assert.Equal(t, 2, metainfo.CountPersistentValues(ctx))
	assert.Same(t, ctx, metainfo.WithPersistentValue(ctx, "p", "4"))

	ctx = metainfo.DelPersistentValue(ctx, "p")
	_, ok := metainfo.GetPersistentValue(ctx, "p")
	assert.False(t, ok)
	v, _ := metainfo.GetValue(ctx, "t")
	assert.Equal(t, "2", v)
	assert.Same(t, ctx, metainfo.DelPersistentValue(ctx, "absent"))

	ctx = metainfo.DelPersistentValue(ctx, "q")
	assert.Nil(t, metainfo.GetAllPersistentValues(ctx))
}

func TestSameKeyInBothKinds(t *testing.T) {
	ctx := metainfo.WithValue(context.Background(), "A", "t")
	ctx = metainfo.WithPersistentValue(ctx, "A", "p")
	ctx = metainfo.WithValue(ctx, "A", "ta")
	ctx = metainfo.WithPersistentValue(ctx, "A", "pa")
	v, _ := metainfo.GetValue(ctx, "A")
	p, _ := metainfo.GetPersistentValue(ctx, "A")
	assert.Equal(t, "ta", v)
	assert.Equal(t, "pa", p)

	ctx = metainfo.DelValue(ctx, "A")
	_, ok := metainfo.GetValue(ctx, "A")
	assert.False(t, ok)
	p, _ = metainfo.GetPersistentValue(ctx, "A")
	assert.Equal(t, "pa", p)
}

func TestDelValue(t *testing.T) {
	ctx := metainfo.WithValues(context.Background(), "a", "1", "b", "2", "c", "3")
	assert.Same(t, ctx, metainfo.DelValue(ctx, "absent"))
	ctx = metainfo.DelValue(ctx, "b")
	assert.Equal(t, map[string]string{"a": "1", "c": "3"}, metainfo.GetAllValues(ctx))
	ctx = metainfo.DelValue(metainfo.DelValue(ctx, "a"), "c")
	assert.Nil(t, metainfo.GetAllValues(ctx))
	assert.False(t, metainfo.HasMetaInfo(ctx))
	assert.Equal(t, context.Background(), metainfo.DelValue(context.Background(), "a"))
}

func TestDeletedValueStaysDeletedUnderOtherContexts(t *testing.T) {
	type other struct{}
	ctx := metainfo.WithValue(context.Background(), "a", "1")
	ctx = context.WithValue(ctx, other{}, "x")
	ctx = metainfo.DelValue(ctx, "a")
	_, ok := metainfo.GetValue(ctx, "a")
	assert.False(t, ok)
	assert.Equal(t, "x", ctx.Value(other{}))
}

func TestTransferForward(t *testing.T) {
	ctx := metainfo.WithValue(context.Background(), "A", "t")
	ctx = metainfo.WithPersistentValue(ctx, "A", "p")

	ctx = metainfo.TransferForward(ctx)
	v, ok := metainfo.GetValue(ctx, "A")
	assert.True(t, ok, "transient values stay readable for one hop")
	assert.Equal(t, "t", v)

	ctx = metainfo.TransferForward(ctx)
	_, ok = metainfo.GetValue(ctx, "A")
	assert.False(t, ok, "and are gone after the second")
	p, _ := metainfo.GetPersistentValue(ctx, "A")
	assert.Equal(t, "p", p)

	assert.Same(t, ctx, metainfo.TransferForward(ctx), "nothing to transfer")
	bg := context.Background()
	assert.Equal(t, bg, metainfo.TransferForward(bg))
}

func TestWithValueOverridesUpstream(t *testing.T) {
	ctx := metainfo.WithValues(context.Background(), "a", "1", "b", "2")
	ctx = metainfo.TransferForward(ctx) // a and b are now upstream
	ctx = metainfo.WithValue(ctx, "a", "3")
	assert.Equal(t, map[string]string{"a": "3", "b": "2"}, metainfo.GetAllValues(ctx))
	assert.Equal(t, 2, metainfo.CountValues(ctx))

	ctx = metainfo.TransferForward(ctx)
	assert.Equal(t, map[string]string{"a": "3"}, metainfo.GetAllValues(ctx), "only a was set again")
}

func TestWithValues(t *testing.T) {
	ctx := metainfo.WithValue(context.Background(), "a", "0")
	ctx = metainfo.WithPersistentValue(ctx, "p", "0")
	ctx = metainfo.TransferForward(ctx) // a is upstream
	ctx = metainfo.WithValue(ctx, "b", "0")

	ctx = metainfo.WithValues(ctx, "a", "1", "b", "2", "c", "3", "c", "4")
	assert.Equal(t, map[string]string{"a": "1", "b": "2", "c": "4"}, metainfo.GetAllValues(ctx))
	ctx = metainfo.WithPersistentValues(ctx, "p", "1", "q", "2")
	assert.Equal(t, map[string]string{"p": "1", "q": "2"}, metainfo.GetAllPersistentValues(ctx))
	assert.Equal(t, map[string]string{"a": "1", "b": "2", "c": "4"}, metainfo.GetAllValues(ctx))

	ctx = metainfo.TransferForward(metainfo.TransferForward(ctx))
	assert.Nil(t, metainfo.GetAllValues(ctx), "a was set again here, so it is no longer upstream")

	bg := context.Background()
	assert.Equal(t, bg, metainfo.WithValues(bg))
	ctx = metainfo.WithValues(bg, "odd")
	v, ok := metainfo.GetValue(ctx, "odd")
	assert.True(t, ok, "a trailing key is kept, for the encoder to report")
	assert.Empty(t, v)
}

func TestIterators(t *testing.T) {
	ctx := metainfo.WithValues(context.Background(), "a", "1", "b", "2", "c", "3")
	ctx = metainfo.WithPersistentValues(ctx, "p", "1", "q", "2")
	assert.Equal(t, metainfo.GetAllValues(ctx), maps.Collect(metainfo.Values(ctx)))
	assert.Equal(t, metainfo.GetAllPersistentValues(ctx), maps.Collect(metainfo.PersistentValues(ctx)))

	n := 0
	for range metainfo.Values(ctx) {
		n++
		break
	}
	assert.Equal(t, 1, n)
	for range metainfo.PersistentValues(ctx) {
		n++
		break
	}
	assert.Equal(t, 2, n)

	for range metainfo.Values(context.Background()) {
		t.Fatal("no values expected")
	}
	for range metainfo.PersistentValues(context.Background()) {
		t.Fatal("no values expected")
	}
}

func TestManyValues(t *testing.T) {
	ctx := context.Background()
	for i := range 100 {
		ctx = metainfo.WithValue(ctx, fmt.Sprint("t", i), fmt.Sprint(i))
		ctx = metainfo.WithPersistentValue(ctx, fmt.Sprint("p", i), fmt.Sprint(i))
	}
	for i := range 100 {
		v, ok := metainfo.GetValue(ctx, fmt.Sprint("t", i))
		require.True(t, ok)
		require.Equal(t, fmt.Sprint(i), v)
		v, ok = metainfo.GetPersistentValue(ctx, fmt.Sprint("p", i))
		require.True(t, ok)
		require.Equal(t, fmt.Sprint(i), v)
	}
	for i := 0; i < 100; i += 2 {
		ctx = metainfo.DelValue(ctx, fmt.Sprint("t", i))
	}
	assert.Equal(t, 50, metainfo.CountValues(ctx))
	assert.Equal(t, 100, metainfo.CountPersistentValues(ctx))
}

func TestContextBehaviourIsKept(t *testing.T) {
	type other struct{}
	parent, cancel := context.WithTimeout(context.WithValue(context.Background(), other{}, "x"), time.Hour)
	ctx := metainfo.WithValue(parent, "a", "secret-1")
	ctx = metainfo.WithPersistentValue(ctx, "b", "secret-2")

	assert.Equal(t, "x", ctx.Value(other{}))
	d1, _ := parent.Deadline()
	d2, ok := ctx.Deadline()
	assert.True(t, ok)
	assert.Equal(t, d1, d2)

	child, cancelChild := context.WithCancel(ctx)
	defer cancelChild()
	cancel()
	<-child.Done()
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.Contains(t, fmt.Sprint(ctx), "WithMetainfo(2 values)")
	assert.NotContains(t, fmt.Sprint(ctx), "secret", "values are not shown")
}

func TestChainsDoNotGrow(t *testing.T) {
	ctx := metainfo.WithValue(context.Background(), "a", "1")
	for i := range 1000 {
		ctx = metainfo.WithValue(ctx, "a", fmt.Sprint(i))
	}
	assert.Equal(t, "context.Background.WithMetainfo(1 values)", fmt.Sprint(ctx))
}

func TestNilContext(t *testing.T) {
	var nilCtx context.Context //nolint:staticcheck // nil on purpose
	_, ok := metainfo.GetValue(nilCtx, "a")
	assert.False(t, ok)
	_, ok = metainfo.GetPersistentValue(nilCtx, "a")
	assert.False(t, ok)
	assert.Nil(t, metainfo.GetAllValues(nilCtx))
	assert.False(t, metainfo.HasMetaInfo(nilCtx))
	assert.Panics(t, func() { metainfo.WithValue(nilCtx, "a", "b") })
	assert.Panics(t, func() { metainfo.WithPersistentValue(nilCtx, "a", "b") })
	assert.Panics(t, func() { metainfo.WithValues(nilCtx, "a", "b") })
	assert.Panics(t, func() { metainfo.WithBackwardValues(nilCtx) })
	assert.Panics(t, func() { metainfo.WithBackwardValuesToSend(nilCtx) })
	_, ok = metainfo.RecvBackwardValue(nilCtx, "a")
	assert.False(t, ok)
	assert.False(t, metainfo.SendBackwardValue(nilCtx, "a", "b"))
}
