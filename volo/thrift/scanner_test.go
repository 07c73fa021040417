package thrift_test

import (
	"testing"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
)

// scanInPieces feeds b to a scanner step bytes at a time and returns the
// size it finds and the number of bytes it had seen by then.
func scanInPieces(t *testing.T, s *thrift.Scanner, b []byte, step int) (size, seen int) {
	t.Helper()
	for seen = 0; seen < len(b); {
		seen = min(len(b), seen+step)
		n, done, err := s.Scan(b[:seen])
		require.NoError(t, err)
		if done {
			return n, seen
		}
	}
	t.Fatalf("no message end found in %d bytes", len(b))
	return 0, 0
}

func TestScannerFindsTheEnd(t *testing.T) {
	msgs := [][]byte{
		encode("sample", thrift.MessageCall, 1, sample()),
		encode("deep", thrift.MessageReply, 2, nested(20)),
		encode("echo", thrift.MessageCall, 3, &echo.EchoEchoArgs{Msg: "hi"}),
		encode("x", thrift.MessageException, 4, thrift.NewApplicationException(thrift.ExceptionInternalError, "boom")),
		thrift.AppendFieldStop(thrift.AppendMessageBeginOld(nil, "old", thrift.MessageOneway, 5)),
	}
	s := thrift.NewScanner(0)
	for _, msg := range msgs {
		for _, step := range []int{1, 2, 7, len(msg)} {
			s.Reset()
			// A pipelined message follows: the scanner must stop at the end.
			stream := append(append([]byte(nil), msg...), msgs[0]...)
			size, seen := scanInPieces(t, s, stream, step)
			assert.Equal(t, len(msg), size, "step %d", step)
			assert.Less(t, seen-len(msg), step, "done as soon as the last byte arrived")
		}
	}
}

func TestScannerLimits(t *testing.T) {
	msg := encode("sample", thrift.MessageCall, 1, sample())
	_, done, err := thrift.NewScanner(len(msg)).Scan(msg)
	require.NoError(t, err)
	assert.True(t, done)

	_, _, err = thrift.NewScanner(len(msg) - 1).Scan(msg)
	require.ErrorIs(t, err, thrift.ErrTooLarge)

	// A claim over the size bound is refused before its bytes arrive.
	b := thrift.AppendMessageBegin(nil, "s", thrift.MessageCall, 1)
	b = thrift.AppendFieldBegin(b, thrift.TypeList, 1)
	b = thrift.AppendListBegin(b, thrift.TypeI64, 1000)
	_, _, err = thrift.NewScanner(4096).Scan(b)
	require.ErrorIs(t, err, thrift.ErrTooLarge)
	_, done, err = thrift.NewScanner(1 << 20).Scan(b)
	require.NoError(t, err)
	assert.False(t, done)

	deep := encode("deep", thrift.MessageCall, 1, nested(10))
	_, _, err = thrift.NewScanner(0, thrift.WithMaxDepth(9)).Scan(deep)
	require.ErrorIs(t, err, thrift.ErrTooDeep)

	_, _, err = thrift.NewScanner(0, thrift.WithMaxContainerSize(2)).Scan(msg)
	require.ErrorIs(t, err, thrift.ErrTooLarge)

	_, _, err = thrift.NewScanner(0, thrift.WithMaxStringSize(4)).Scan(msg)
	require.ErrorIs(t, err, thrift.ErrTooLarge)

	_, _, err = thrift.NewScanner(0).Scan([]byte{0x82, 0x21, 0, 0})
	require.ErrorIs(t, err, thrift.ErrUnsupported)
}

func TestScannerAllocatesNothingWhenReused(t *testing.T) {
	msg := encode("sample", thrift.MessageCall, 1, sample())
	s := thrift.NewScanner(0)
	allocs := testing.AllocsPerRun(100, func() {
		s.Reset()
		if _, done, err := s.Scan(msg); !done || err != nil {
			panic("scan failed")
		}
	})
	assert.Zero(t, allocs)
}

// Reading exactly Need bytes each time reaches the end without ever reading
// past it.
func TestScannerNeed(t *testing.T) {
	msg := encode("sample", thrift.MessageCall, 1, sample())
	s := thrift.NewScanner(0)
	var have, reads int
	for {
		size, done, err := s.Scan(msg[:have])
		require.NoError(t, err)
		if done {
			assert.Equal(t, len(msg), size)
			break
		}
		require.Greater(t, s.Need(), have)
		require.LessOrEqual(t, s.Need(), len(msg))
		have = s.Need()
		reads++
	}
	assert.Greater(t, reads, 10)
}
