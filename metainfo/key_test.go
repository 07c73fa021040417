package metainfo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/metainfo"
)

func TestKey(t *testing.T) {
	type user struct{ name string }
	userKey := metainfo.NewKey[*user]("user")
	countKey := metainfo.NewKey[int]("count")
	otherCount := metainfo.NewKey[int]("count")

	ctx := context.Background()
	_, ok := userKey.Get(ctx)
	assert.False(t, ok)

	ctx = userKey.With(ctx, &user{"ann"})
	ctx = countKey.With(ctx, 3)
	u, ok := userKey.Get(ctx)
	assert.True(t, ok)
	assert.Equal(t, "ann", u.name)
	n, ok := countKey.Get(ctx)
	assert.True(t, ok)
	assert.Equal(t, 3, n)
	_, ok = otherCount.Get(ctx)
	assert.False(t, ok, "keys compare by identity, not name")
	assert.Equal(t, "count", countKey.String())

	errKey := metainfo.NewKey[error]("err")
	_, ok = errKey.Get(errKey.With(ctx, nil))
	assert.False(t, ok, "a nil interface reads as absent")

	var codec metainfo.Codec
	m := map[string]string{}
	assert.NoError(t, codec.ToMap(ctx, m))
	assert.Empty(t, m, "local values never travel")
}
