package metainfo_test

import (
	"context"
	"maps"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/metainfo"
)

func TestBackwardReceiver(t *testing.T) {
	bg := context.Background()
	assert.False(t, metainfo.SetBackwardValue(bg, "k", "v"), "no receiver")
	_, ok := metainfo.RecvBackwardValue(bg, "k")
	assert.False(t, ok)

	ctx := metainfo.WithBackwardValues(bg)
	assert.Same(t, ctx, metainfo.WithBackwardValues(ctx), "one receiver per chain")
	type other struct{}
	derived := context.WithValue(ctx, other{}, 1)
	assert.True(t, metainfo.SetBackwardValue(derived, "a", "1"))
	assert.True(t, metainfo.SetBackwardValues(derived, "b", "2", "a", "3"))
	assert.True(t, metainfo.SetBackwardValuesFromMap(derived, map[string]string{"c": "4"}))
	v, ok := metainfo.RecvBackwardValue(ctx, "a")
	assert.True(t, ok)
	assert.Equal(t, "3", v)
	assert.Equal(t, map[string]string{"a": "3", "b": "2", "c": "4"}, metainfo.RecvAllBackwardValues(ctx))
	assert.Equal(t, metainfo.RecvAllBackwardValues(ctx), maps.Collect(metainfo.RecvBackwardValues(ctx)))
	assert.Contains(t, fmtContext(ctx), "WithBackwardValues")

	_, ok = metainfo.GetBackwardValueToSend(ctx, "a")
	assert.False(t, ok, "received values are not values to send")
	assert.Nil(t, metainfo.RecvAllBackwardValues(metainfo.WithBackwardValues(bg)))
}

func TestBackwardSender(t *testing.T) {
	bg := context.Background()
	assert.False(t, metainfo.SendBackwardValue(bg, "k", "v"), "not collecting")
	assert.False(t, metainfo.SendBackwardValuesFromMap(bg, map[string]string{"k": "v"}))
	assert.Nil(t, metainfo.AllBackwardValuesToSend(bg))

	ctx := metainfo.WithBackwardValuesToSend(bg)
	assert.Same(t, ctx, metainfo.WithBackwardValuesToSend(ctx))
	assert.True(t, metainfo.SendBackwardValue(ctx, "a", "1"))
	assert.True(t, metainfo.SendBackwardValues(ctx, "b", "2", "odd"))
	assert.True(t, metainfo.SendBackwardValuesFromMap(ctx, map[string]string{"a": "3"}))
	v, ok := metainfo.GetBackwardValueToSend(ctx, "a")
	assert.True(t, ok)
	assert.Equal(t, "3", v)
	assert.Equal(t, map[string]string{"a": "3", "b": "2", "odd": ""}, metainfo.AllBackwardValuesToSend(ctx))
	assert.Equal(t, metainfo.AllBackwardValuesToSend(ctx), maps.Collect(metainfo.BackwardValuesToSend(ctx)))
	assert.Contains(t, fmtContext(ctx), "WithBackwardValuesToSend")

	var codec metainfo.Codec
	err := codec.BackwardToMap(ctx, map[string]string{})
	assert.ErrorIs(t, err, metainfo.ErrEmptyValue, "the key without a value is reported, not dropped")

	_, ok = metainfo.RecvBackwardValue(ctx, "a")
	assert.False(t, ok, "values to send cannot be read as received")
}

func TestBackwardIteratorsStopEarly(t *testing.T) {
	ctx := metainfo.WithBackwardValues(metainfo.WithBackwardValuesToSend(context.Background()))
	metainfo.SetBackwardValues(ctx, "a", "1", "b", "2")
	metainfo.SendBackwardValues(ctx, "a", "1", "b", "2")
	n := 0
	for range metainfo.RecvBackwardValues(ctx) {
		n++
		break
	}
	for range metainfo.BackwardValuesToSend(ctx) {
		n++
		break
	}
	assert.Equal(t, 2, n)
	for range metainfo.RecvBackwardValues(context.Background()) {
		t.Fatal("no receiver")
	}
}

func TestBackwardValuesConcurrently(t *testing.T) {
	server := metainfo.WithBackwardValuesToSend(context.Background())
	client := metainfo.WithBackwardValues(context.Background())
	codec := metainfo.NewCodec(metainfo.WithMaxKeys(1000))
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				k := "g" + strconv.Itoa(g) + "_" + strconv.Itoa(i)
				assert.True(t, metainfo.SendBackwardValue(server, k, "v"))
				_, _ = metainfo.GetBackwardValueToSend(server, k)
				for range metainfo.BackwardValuesToSend(server) {
				}
				m := map[string]string{}
				assert.NoError(t, codec.BackwardToMap(server, m))
				assert.NoError(t, codec.BackwardFromMap(client, m))
				_ = metainfo.RecvAllBackwardValues(client)
			}
		})
	}
	wg.Wait()
	assert.Len(t, metainfo.AllBackwardValuesToSend(server), 400)
	assert.Len(t, metainfo.RecvAllBackwardValues(client), 400)
}

func TestForwardValuesConcurrently(t *testing.T) {
	ctx := metainfo.WithValues(context.Background(), "a", "1", "b", "2")
	var codec metainfo.Codec
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			c := metainfo.WithPersistentValue(ctx, "g", strconv.Itoa(g))
			for range 100 {
				m := map[string]string{}
				assert.NoError(t, codec.ToMap(ctx, m))
				assert.NoError(t, codec.ToMap(c, m))
				assert.Equal(t, strconv.Itoa(g), m["RPC_PERSIST_g"])
				h := map[string][]string{}
				assert.NoError(t, codec.ToHTTPHeader(c, h))
			}
		})
	}
	wg.Wait()
}

func fmtContext(ctx context.Context) string {
	return ctx.(interface{ String() string }).String()
}
