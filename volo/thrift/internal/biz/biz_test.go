package biz_test

import (
	"testing"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/internal/biz"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	m := map[string]string{}
	biz.ToMap(&volo.BizError{Status: 7, Message: "m", Extra: map[string]string{"a": "b"}}, m)
	assert.Equal(t, map[string]string{"biz-status": "7", "biz-message": "m", "biz-extra": `{"a":"b"}`}, m)
	e := biz.FromMap(m)
	require.NotNil(t, e)
	assert.Equal(t, &volo.BizError{Status: 7, Message: "m", Extra: map[string]string{"a": "b"}}, e)
	assert.Equal(t, "volo: business error 7: m (a=b)", e.Error())
	assert.ErrorIs(t, e, volo.ErrBiz)

	assert.Nil(t, biz.FromMap(map[string]string{"x": "y"}))
	odd := biz.FromMap(map[string]string{"biz-status": "oops", "biz-extra": "not json"})
	assert.Equal(t, int32(-1), odd.Status)
	assert.Equal(t, map[string]string{"status": "oops"}, odd.Extra)
}
