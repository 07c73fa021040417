package kinds_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest/golden/kinds"
)

// Generated decoders never panic on any input, and what one accepts
// encodes to bytes it decodes to the same value again.
func FuzzKinds(f *testing.F) {
	f.Add(full().AppendThrift(nil))
	f.Add((&kinds.Shape{Name: thrift.Ptr("sq")}).AppendThrift(nil))
	f.Add((&kinds.Node{Value: "a", Next: &kinds.Node{}}).AppendThrift(nil))
	f.Add([]byte{0})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, v := range []func() thrift.Struct{
			func() thrift.Struct { return kinds.NewKinds() },
			func() thrift.Struct { return kinds.NewShape() },
			func() thrift.Struct { return kinds.NewNode() },
			func() thrift.Struct { return kinds.NewStoreGetResult() },
		} {
			first := v()
			d := thrift.NewDecoder(b, thrift.WithMaxContainerSize(1024))
			if err := d.Decode(first); err != nil {
				require.ErrorIs(t, err, thrift.ErrProtocol)
				continue
			}
			again := v()
			enc := first.AppendThrift(nil)
			require.Len(t, enc, first.ThriftSize())
			require.NoError(t, thrift.NewDecoder(enc).Decode(again))
			// Maps keyed by pointers cannot be compared; their encodings
			// can, once decoded and re-encoded in the same order of keys.
			if k, ok := first.(*kinds.Kinds); ok && len(k.ListKeys) > 1 {
				continue
			}
			require.Equal(t, len(enc), again.ThriftSize())
		}
	})
}
