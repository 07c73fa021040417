package frame_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest"
)

// Reading an unframed message costs memory linear in its size: the buffer
// doubles as the scanner asks for a few bytes at a time, rather than
// growing to each ask.
func TestBufferedMessageGrowsGeometrically(t *testing.T) {
	s := &thrifttest.Sample{IDs: make([]int32, 40000), Names: make([]string, 20000)}
	msg := thrift.AppendMessage(nil, "big", thrift.MessageCall, 1, s)
	require.Greater(t, len(msg), 200<<10)
	var f frame.Frame
	allocs := testing.AllocsPerRun(5, func() {
		r := frame.NewReader(bytes.NewReader(msg))
		require.NoError(t, r.Next(&f))
	})
	assert.Equal(t, frame.Buffered, f.Framing)
	assert.Len(t, f.Payload, len(msg))
	assert.Less(t, allocs, 40.0, "a buffer per ask would be thousands")
}
