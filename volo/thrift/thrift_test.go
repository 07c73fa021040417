package thrift_test

import (
	"errors"
	"math"
	"runtime"
	"testing"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest"
)

func sample() *thrifttest.Sample {
	return &thrifttest.Sample{
		Flag: true, Small: -8, Short: -16, Int: 1 << 30, Long: -1 << 60, Real: math.Pi,
		Text: "héllo", Blob: []byte{0, 1, 2, 0xff},
		ID:     thrift.UUID{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 1, 2, 3, 4, 5, 6, 7, 8},
		Names:  []string{"a", "", "ccc"},
		IDs:    []int32{3, 1, 2},
		Groups: map[string][]int64{"x": {1, 2}, "y": {}, "": {math.MinInt64}},
		Child:  &thrifttest.Sample{Text: "child", Blob: []byte{}, Names: []string{}, IDs: []int32{}, Groups: map[string][]int64{}},
	}
}

func encode(name string, typ thrift.MessageType, seq int32, body thrift.Struct) []byte {
	return thrift.AppendMessage(make([]byte, 0, thrift.MessageSize(name, body)), name, typ, seq, body)
}

func TestSampleRoundTrip(t *testing.T) {
	in := sample()
	b := encode("sample", thrift.MessageReply, 42, in)
	assert.Len(t, b, thrift.MessageSize("sample", in), "ThriftSize must be exact")

	var out thrifttest.Sample
	name, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(b), &out)
	require.NoError(t, err)
	assert.Equal(t, "sample", name)
	assert.Equal(t, thrift.MessageReply, typ)
	assert.Equal(t, int32(42), seq)
	assert.Equal(t, in, &out)
}

func TestMessageHeaders(t *testing.T) {
	for _, typ := range []thrift.MessageType{thrift.MessageCall, thrift.MessageReply, thrift.MessageException, thrift.MessageOneway} {
		for _, old := range []bool{false, true} {
			var b []byte
			if old {
				b = thrift.AppendMessageBeginOld(nil, "m", typ, -7)
				assert.Len(t, b, thrift.MessageBeginSize("m")-3)
			} else {
				b = thrift.AppendMessageBegin(nil, "m", typ, -7)
				assert.Len(t, b, thrift.MessageBeginSize("m"))
			}
			name, gotTyp, seq, err := thrift.NewDecoder(b).ReadMessageBegin()
			require.NoError(t, err, "%v old=%v", typ, old)
			assert.Equal(t, "m", name)
			assert.Equal(t, typ, gotTyp)
			assert.Equal(t, int32(-7), seq)
		}
	}
}

func TestMessageHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		is   error
		kind thrift.ErrorKind
	}{
		{"compact", []byte{0x82, 0x21, 0x01, 0x04, 'e', 'c', 'h', 'o'}, thrift.ErrUnsupported, thrift.NotImplemented},
		{"bad version", []byte{0x80, 0x02, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, thrift.ErrProtocol, thrift.BadVersion},
		{"bad strict type", []byte{0x80, 0x01, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0}, thrift.ErrProtocol, thrift.InvalidData},
		{"bad old type", []byte{0, 0, 0, 1, 'm', 0, 0, 0, 0, 1}, thrift.ErrProtocol, thrift.InvalidData},
		{"empty", nil, thrift.ErrTruncated, thrift.Truncated},
		{"name too long for input", []byte{0x80, 0x01, 0, 1, 0, 0, 1, 0, 'x'}, thrift.ErrTruncated, thrift.Truncated},
		{"negative name", []byte{0x80, 0x01, 0, 1, 0xff, 0xff, 0xff, 0xff}, thrift.ErrProtocol, thrift.InvalidData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := thrift.NewDecoder(tt.in).ReadMessageBegin()
			require.ErrorIs(t, err, tt.is)
			require.ErrorIs(t, err, thrift.ErrProtocol)
			var pe *thrift.ProtocolError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.kind, pe.Kind)
		})
	}
}

// Every prefix of a valid message is refused as truncated, by the decoder
// and by Skip, and nothing panics.
func TestEveryPrefixIsTruncated(t *testing.T) {
	b := encode("sample", thrift.MessageCall, 1, sample())
	for n := range len(b) {
		var out thrifttest.Sample
		_, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(b[:n]), &out)
		require.ErrorIs(t, err, thrift.ErrTruncated, "prefix %d", n)

		d := thrift.NewDecoder(b[:n])
		if _, _, _, err := d.ReadMessageBegin(); err == nil {
			require.ErrorIs(t, d.Skip(thrift.TypeStruct), thrift.ErrTruncated, "skip prefix %d", n)
		}
	}
}

func TestTrailingBytes(t *testing.T) {
	b := append(encode("echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hi"}), 0)
	_, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(b), &echo.EchoEchoArgs{})
	require.ErrorIs(t, err, thrift.ErrProtocol)
	assert.Contains(t, err.Error(), "bytes after the message body")
}

func TestSkipUnknownFields(t *testing.T) {
	// Every field of Sample is unknown to EchoArgs (field 1 has another type).
	b := encode("echo", thrift.MessageCall, 1, sample())
	d := thrift.NewDecoder(b)
	var args echo.EchoEchoArgs
	_, _, _, err := thrift.DecodeMessage(d, &args)
	require.NoError(t, err)
	assert.Empty(t, args.Msg)
	assert.Equal(t, len(b), d.Offset())
	assert.Zero(t, d.Len())
}

func TestLimits(t *testing.T) {
	long := encode("echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "0123456789"})
	_, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(long, thrift.WithMaxStringSize(9)), &echo.EchoEchoArgs{})
	require.ErrorIs(t, err, thrift.ErrTooLarge)
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(long, thrift.WithMaxStringSize(10)), &echo.EchoEchoArgs{})
	require.NoError(t, err)

	s := &thrifttest.Sample{Names: []string{"a", "b", "c"}}
	b := encode("s", thrift.MessageCall, 1, s)
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(b, thrift.WithMaxContainerSize(2)), &thrifttest.Sample{})
	require.ErrorIs(t, err, thrift.ErrTooLarge)
	// Skipping applies the same limits.
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(b, thrift.WithMaxContainerSize(2)), &echo.EchoEchoArgs{})
	require.ErrorIs(t, err, thrift.ErrTooLarge)
	// Bad values keep the defaults.
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(b, thrift.WithMaxContainerSize(-1), thrift.WithMaxDepth(0), thrift.WithMaxStringSize(0), nil), &thrifttest.Sample{})
	require.NoError(t, err)
}

func nested(depth int) *thrifttest.Sample {
	s := &thrifttest.Sample{}
	for range depth - 1 {
		s = &thrifttest.Sample{Child: s}
	}
	return s
}

func TestDepthLimit(t *testing.T) {
	b := encode("deep", thrift.MessageCall, 1, nested(10))
	_, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(b, thrift.WithMaxDepth(10)), &thrifttest.Sample{})
	require.NoError(t, err)
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(b, thrift.WithMaxDepth(9)), &thrifttest.Sample{})
	require.ErrorIs(t, err, thrift.ErrTooDeep)
	// The same limit holds when the nesting is skipped, not decoded.
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(b, thrift.WithMaxDepth(9)), &echo.EchoEchoArgs{})
	require.ErrorIs(t, err, thrift.ErrTooDeep)

	// Containers count too: a list of lists 100 deep, skipped.
	var deep []byte
	deep = thrift.AppendMessageBegin(deep, "l", thrift.MessageCall, 1)
	deep = thrift.AppendFieldBegin(deep, thrift.TypeList, 1)
	for range 100 {
		deep = thrift.AppendListBegin(deep, thrift.TypeList, 1)
	}
	deep = thrift.AppendListBegin(deep, thrift.TypeI8, 0)
	deep = thrift.AppendFieldStop(deep)
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(deep), &echo.EchoEchoArgs{})
	require.ErrorIs(t, err, thrift.ErrTooDeep)
	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(deep, thrift.WithMaxDepth(200)), &echo.EchoEchoArgs{})
	require.NoError(t, err)
}

// A count or length that claims more than the input holds is refused before
// anything of that size is allocated.
func TestHugeClaimsAllocateNothing(t *testing.T) {
	var claims [][]byte
	for _, et := range []thrift.Type{thrift.TypeI64, thrift.TypeStruct, thrift.TypeString} {
		b := thrift.AppendMessageBegin(nil, "s", thrift.MessageCall, 1)
		b = thrift.AppendFieldBegin(b, thrift.TypeList, 10)
		b = thrift.AppendListBegin(b, et, 1<<20)
		claims = append(claims, append(b, 1, 2, 3))
	}
	b := thrift.AppendMessageBegin(nil, "s", thrift.MessageCall, 1)
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 7)
	claims = append(claims, thrift.AppendI32(b, math.MaxInt32))

	for _, claim := range claims {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 10 {
			_, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(claim, thrift.WithMaxStringSize(math.MaxInt32)), &thrifttest.Sample{})
			require.ErrorIs(t, err, thrift.ErrTruncated)
		}
		runtime.ReadMemStats(&after)
		assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "bytes allocated for 10 decodes")
	}
}

func TestEncodeAllocatesNothing(t *testing.T) {
	args := &echo.EchoEchoArgs{Msg: "hello"}
	buf := make([]byte, 0, 256)
	allocs := testing.AllocsPerRun(100, func() {
		buf = thrift.AppendMessage(buf[:0], echo.EchoEchoMethod.Name, thrift.MessageCall, 1, args)
	})
	assert.Zero(t, allocs)
}

func TestDecodeAllocatesOnlyValues(t *testing.T) {
	b := encode(echo.EchoEchoMethod.Name, thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hello"})
	d := thrift.NewDecoder(nil)
	var args echo.EchoEchoArgs
	var name string
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(b)
		var err error
		if name, _, _, err = thrift.DecodeMessage(d, &args); err != nil {
			panic(err)
		}
	})
	assert.Equal(t, 2.0, allocs, "the method name and the msg string")
	assert.Equal(t, echo.EchoEchoMethod.Name, name)

	allocs = testing.AllocsPerRun(100, func() {
		d.Reset(b)
		view, _, _, err := thrift.DecodeMessageView(d, &args)
		if err != nil || string(view) != echo.EchoEchoMethod.Name {
			panic(err)
		}
	})
	assert.Equal(t, 1.0, allocs, "the msg string: the name is a view")
}

func TestApplicationException(t *testing.T) {
	ae := thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "no method frob")
	b := encode("frob", thrift.MessageException, 9, ae)
	assert.Len(t, b, thrift.MessageSize("frob", ae))

	var res echo.EchoEchoResult
	name, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(b), &res)
	assert.Equal(t, "frob", name)
	assert.Equal(t, thrift.MessageException, typ)
	assert.Equal(t, int32(9), seq)
	var got *thrift.ApplicationException
	require.ErrorAs(t, err, &got)
	assert.Equal(t, ae, got)
	assert.Nil(t, res.Success)
	assert.Equal(t, "thrift: application exception (unknown method): no method frob", err.Error())
	assert.False(t, errors.Is(err, thrift.ErrProtocol), "a peer's exception is not a protocol error")
	assert.Equal(t, "exception_type(99)", thrift.ExceptionType(99).String())
}

func TestStrings(t *testing.T) {
	assert.Equal(t, "list", thrift.TypeList.String())
	assert.Equal(t, "type(1)", thrift.Type(1).String())
	assert.Equal(t, "oneway", thrift.MessageOneway.String())
	assert.Equal(t, "message_type(0)", thrift.MessageType(0).String())
	assert.Equal(t, "truncated input", thrift.Truncated.String())
	assert.Equal(t, "kind(0)", thrift.ErrorKind(0).String())
	d := thrift.NewDecoder([]byte{0, 0})
	_, err := d.ReadI32()
	require.ErrorIs(t, err, thrift.ErrProtocol, "the inlined read's own error says little")
	assert.EqualError(t, d.Explain(err), "thrift: truncated input at offset 0: need 4 bytes, 2 left")
}

// Each inlined read refuses what its careful counterpart refuses, without
// moving, and Explain gives the careful read's precise error.
func TestExplain(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []byte
		read func(d *thrift.Decoder) error
		want string
	}{
		{"field truncated", []byte{8, 0}, func(d *thrift.Decoder) error { _, _, err := d.ReadFieldBegin(); return err }, "thrift: truncated input at offset 1: need 2 bytes, 1 left"},
		{"field type", []byte{1, 0, 1}, func(d *thrift.Decoder) error { _, _, err := d.ReadFieldBegin(); return err }, "thrift: invalid data at offset 0: unknown field type 1"},
		{"field empty", nil, func(d *thrift.Decoder) error { _, _, err := d.ReadFieldBegin(); return err }, "thrift: truncated input at offset 0: need 1 bytes, 0 left"},
		{"string negative", []byte{0xff, 0xff, 0xff, 0xff}, func(d *thrift.Decoder) error { _, err := d.ReadString(); return err }, "thrift: invalid data at offset 0: negative length -1"},
		{"string short", []byte{0, 0, 0, 9, 'x'}, func(d *thrift.Decoder) error { _, err := d.ReadString(); return err }, "thrift: truncated input at offset 4: need 9 bytes, 1 left"},
		{"binary short", []byte{0, 0, 0, 9, 'x'}, func(d *thrift.Decoder) error { _, err := d.ReadBinary(); return err }, "thrift: truncated input at offset 4: need 9 bytes, 1 left"},
		{"list count", []byte{8, 0, 0, 0, 3, 0, 0, 0, 1}, func(d *thrift.Decoder) error { _, _, err := d.ReadListBegin(); return err }, "thrift: truncated input at offset 5: need 12 bytes, 4 left"},
		{"list type", []byte{1, 0, 0, 0, 1}, func(d *thrift.Decoder) error { _, _, err := d.ReadListBegin(); return err }, "thrift: invalid data at offset 1: container of an unknown element type"},
		{"set negative", []byte{8, 0x80, 0, 0, 0}, func(d *thrift.Decoder) error { _, _, err := d.ReadSetBegin(); return err }, "thrift: invalid data at offset 1: negative count -2147483648"},
		{"map type", []byte{8, 99, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, func(d *thrift.Decoder) error { _, _, _, err := d.ReadMapBegin(); return err }, "thrift: invalid data at offset 2: container of an unknown element type"},
		{"map short", []byte{8, 8}, func(d *thrift.Decoder) error { _, _, _, err := d.ReadMapBegin(); return err }, "thrift: truncated input at offset 2: need 4 bytes, 0 left"},
		{"bool", nil, func(d *thrift.Decoder) error { _, err := d.ReadBool(); return err }, "thrift: truncated input at offset 0: need 1 bytes, 0 left"},
		{"double", []byte{1}, func(d *thrift.Decoder) error { _, err := d.ReadDouble(); return err }, "thrift: truncated input at offset 0: need 8 bytes, 1 left"},
		{"uuid", []byte{1}, func(d *thrift.Decoder) error { _, err := d.ReadUUID(); return err }, "thrift: truncated input at offset 0: need 16 bytes, 1 left"},
	} {
		d := thrift.NewDecoder(tc.in)
		err := tc.read(d)
		require.Error(t, err, tc.name)
		assert.Zero(t, d.Offset(), "%s: a refused read does not move", tc.name)
		assert.EqualError(t, d.Explain(err), tc.want, tc.name)
	}
	assert.NoError(t, thrift.NewDecoder(nil).Explain(nil))
	other := errors.New("other")
	assert.Same(t, other, thrift.NewDecoder(nil).Explain(other))
}

func TestScalars(t *testing.T) {
	var b []byte
	b = thrift.AppendBool(b, false)
	b = thrift.AppendI8(b, -1)
	b = thrift.AppendBinary(b, []byte("view"))
	d := thrift.NewDecoder(b)
	v, err := d.ReadBool()
	require.NoError(t, err)
	assert.False(t, v)
	i, err := d.ReadI8()
	require.NoError(t, err)
	assert.Equal(t, int8(-1), i)
	view, err := d.ReadBinaryView()
	require.NoError(t, err)
	assert.Equal(t, []byte("view"), view)
	assert.Equal(t, &b[len(b)-4], &view[0], "a view aliases the input")
	et, n, err := thrift.NewDecoder(thrift.AppendSetBegin(nil, thrift.TypeI32, 0)).ReadSetBegin()
	require.NoError(t, err)
	assert.Equal(t, thrift.TypeI32, et)
	assert.Zero(t, n)
}
