package volohand_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/bench/codec/internal/apachegen/message"
	"github.com/govolo/volo/bench/codec/internal/apachegen/thrifttest"
	"github.com/govolo/volo/bench/codec/internal/codectest"
	"github.com/govolo/volo/bench/codec/internal/volohand"
	"github.com/govolo/volo/volo/thrift"
)

// voloStruct is a volohand type, used through a pointer.
type voloStruct[T any] interface {
	*T
	thrift.Struct
}

func decode[T any, P voloStruct[T]](b []byte) (P, error) {
	d := thrift.NewDecoder(b)
	v := P(new(T))
	if err := v.DecodeThrift(d); err != nil {
		return nil, err
	}
	if d.Len() != 0 {
		return nil, assert.AnError
	}
	return v, nil
}

// check tests one value given in Apache's types and in volohand's: volohand
// round-trips it, Apache decodes what volohand encodes and the reverse, and
// both give equal values. When sameBytes is set (no map holds more than one
// entry) the encodings must be equal byte for byte.
func check[A any, AP codectest.Struct[A], V any, VP voloStruct[V]](t *testing.T, apache AP, volo VP, sameBytes bool) {
	t.Helper()
	b := volo.AppendThrift(nil)
	require.Len(t, b, volo.ThriftSize(), "ThriftSize and AppendThrift disagree")

	got, err := decode[V, VP](b)
	require.NoError(t, err)
	assert.Equal(t, volo, got, "volohand round trip")

	assert.Equal(t, apache, codectest.Decode[A, AP](t, b), "volohand encodes, Apache decodes")

	ab := codectest.Encode(t, apache)
	got, err = decode[V, VP](ab)
	require.NoError(t, err)
	assert.Equal(t, volo, got, "Apache encodes, volohand decodes")

	if sameBytes {
		assert.Equal(t, ab, b, "encodings differ")
	}
	for i := range len(b) {
		_, err := decode[V, VP](b[:i])
		require.Error(t, err, "decoding %d of %d bytes", i, len(b))
	}
}

func TestXtruct(t *testing.T) {
	tests := []struct {
		name   string
		apache *thrifttest.Xtruct
		volo   *volohand.Xtruct
	}{
		{"zero", &thrifttest.Xtruct{}, &volohand.Xtruct{}},
		{"small", &thrifttest.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5},
			&volohand.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}},
		{"extremes", &thrifttest.Xtruct{StringThing: "héllo, 世界", ByteThing: math.MinInt8, I32Thing: math.MinInt32, I64Thing: math.MaxInt64},
			&volohand.Xtruct{StringThing: "héllo, 世界", ByteThing: math.MinInt8, I32Thing: math.MinInt32, I64Thing: math.MaxInt64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.apache, tt.volo, true) })
	}
}

func TestInsanity(t *testing.T) {
	tests := []struct {
		name      string
		apache    *thrifttest.Insanity
		volo      *volohand.Insanity
		sameBytes bool
	}{
		{"empty",
			&thrifttest.Insanity{UserMap: map[thrifttest.Numberz]thrifttest.UserId{}, Xtructs: []*thrifttest.Xtruct{}},
			&volohand.Insanity{UserMap: map[volohand.Numberz]volohand.UserID{}, Xtructs: []*volohand.Xtruct{}},
			true},
		{"one",
			&thrifttest.Insanity{
				UserMap: map[thrifttest.Numberz]thrifttest.UserId{thrifttest.Numberz_FIVE: 5000},
				Xtructs: []*thrifttest.Xtruct{{StringThing: "Truck", ByteThing: 1, I32Thing: 2, I64Thing: 3}},
			},
			&volohand.Insanity{
				UserMap: map[volohand.Numberz]volohand.UserID{volohand.Five: 5000},
				Xtructs: []*volohand.Xtruct{{StringThing: "Truck", ByteThing: 1, I32Thing: 2, I64Thing: 3}},
			},
			true},
		{"several",
			&thrifttest.Insanity{
				UserMap: map[thrifttest.Numberz]thrifttest.UserId{
					thrifttest.Numberz_ONE: 1, thrifttest.Numberz_TWO: -2, thrifttest.Numberz_EIGHT: math.MinInt64,
				},
				Xtructs: []*thrifttest.Xtruct{
					{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
					{},
					{StringThing: strings.Repeat("x", 300), ByteThing: -1, I32Thing: -1, I64Thing: -1},
				},
			},
			&volohand.Insanity{
				UserMap: map[volohand.Numberz]volohand.UserID{volohand.One: 1, volohand.Two: -2, volohand.Eight: math.MinInt64},
				Xtructs: []*volohand.Xtruct{
					{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
					{},
					{StringThing: strings.Repeat("x", 300), ByteThing: -1, I32Thing: -1, I64Thing: -1},
				},
			},
			false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.apache, tt.volo, tt.sameBytes) })
	}
}

func TestMessage(t *testing.T) {
	for _, text := range []string{"", "hello", strings.Repeat("0123456789abcdef", 64)} {
		check(t, &message.Message{Text: text}, &volohand.Message{Text: text}, true)
	}
}

// Map entries are written in key order, also past the entries sorted on the
// stack, so equal values encode to equal bytes.
func TestInsanityKeyOrder(t *testing.T) {
	for _, n := range []int{3, 16, 40} {
		in := &volohand.Insanity{UserMap: map[volohand.Numberz]volohand.UserID{}}
		for i := n; i > 0; i-- {
			in.UserMap[volohand.Numberz(i*7%101)] = int64(i)
		}
		b := in.AppendThrift(nil)
		for range 10 {
			require.Equal(t, b, in.AppendThrift(nil))
		}

		d := thrift.NewDecoder(b)
		_, _, err := d.ReadFieldBegin()
		require.NoError(t, err)
		_, _, count, err := d.ReadMapBegin()
		require.NoError(t, err)
		require.Equal(t, n, count)
		prev := int32(math.MinInt32)
		for range count {
			k, err := d.ReadI32()
			require.NoError(t, err)
			require.Greater(t, k, prev, "keys out of order")
			prev = k
			_, err = d.ReadI64()
			require.NoError(t, err)
		}
	}
}

// Fields volohand does not know, or of another type than the IDL's, are
// skipped, as Apache skips them.
func TestSkipsUnknownFields(t *testing.T) {
	// Xtruct2's encoding read as an Xtruct: field 1 is an i8 where Xtruct has
	// a string, fields 2 and 3 are unknown.
	b := codectest.Encode(t, &thrifttest.Xtruct2{ByteThing: 1, I32Thing: 3,
		StructThing: &thrifttest.Xtruct{StringThing: "skipped"}})
	got, err := decode[volohand.Xtruct](b)
	require.NoError(t, err)
	assert.Equal(t, &volohand.Xtruct{}, got)
	assert.Equal(t, &thrifttest.Xtruct{}, codectest.Decode[thrifttest.Xtruct](t, b))
}

// Encoding into a buffer of ThriftSize bytes does not allocate, also when
// Insanity sorts its map.
func TestEncodeDoesNotAllocate(t *testing.T) {
	values := []thrift.Struct{
		&volohand.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5},
		&volohand.Insanity{
			UserMap: map[volohand.Numberz]volohand.UserID{volohand.One: 1, volohand.Two: 2, volohand.Five: 5},
			Xtructs: []*volohand.Xtruct{{StringThing: "a"}, {StringThing: "b"}},
		},
		&volohand.Message{Text: strings.Repeat("x", 1024)},
	}
	for _, v := range values {
		buf := make([]byte, 0, v.ThriftSize())
		allocs := testing.AllocsPerRun(100, func() { buf = v.AppendThrift(buf[:0]) })
		assert.Zero(t, allocs, "%T", v)
	}
}
