package proxy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest/golden/proxy"
)

// A struct that does not know some fields passes them on: decoded from a
// wider struct's bytes and encoded again, it gives the wider struct back.
func TestUnknownFieldsAreKept(t *testing.T) {
	wide := &proxy.Wide{Name: "n", Extra: 7, More: []string{"a", "b"}, Nested: &proxy.Thin{Name: "in"}}
	b := wide.AppendThrift(nil)

	thin := proxy.NewThin()
	require.NoError(t, thrift.NewDecoder(b).Decode(thin))
	assert.Equal(t, "n", thin.Name)
	thin.Name = "renamed"
	again := thin.AppendThrift(make([]byte, 0, thin.ThriftSize()))
	assert.Len(t, again, thin.ThriftSize())

	var back proxy.Wide
	require.NoError(t, thrift.NewDecoder(again).Decode(&back))
	assert.Equal(t, "renamed", back.Name)
	assert.Equal(t, int32(7), back.Extra)
	assert.Equal(t, []string{"a", "b"}, back.More)
	assert.Equal(t, "in", back.Nested.Name)

	// A struct with no fields keeps them all; decoding again replaces
	// what was kept.
	empty := proxy.NewEmpty()
	require.NoError(t, thrift.NewDecoder(b).Decode(empty))
	assert.Equal(t, len(b), empty.ThriftSize())
	assert.Equal(t, b, empty.AppendThrift(nil))
	require.NoError(t, thrift.NewDecoder([]byte{0}).Decode(empty))
	assert.Equal(t, 1, empty.ThriftSize())
}
