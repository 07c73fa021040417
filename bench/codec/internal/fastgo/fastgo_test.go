package fastgo_test

import (
	"math"
	"strings"
	"testing"

	gthrift "github.com/cloudwego/gopkg/protocol/thrift"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/bench/codec/internal/apachegen/message"
	"github.com/govolo/volo/bench/codec/internal/apachegen/thrifttest"
	"github.com/govolo/volo/bench/codec/internal/codectest"
	"github.com/govolo/volo/bench/codec/internal/fastgo"
)

// fastCodec is a fastgo type, used through a pointer.
type fastCodec[T any] interface {
	*T
	gthrift.FastCodec
}

// check tests one value given in Apache's types and in fastgo's: fastgo
// round-trips it, Apache decodes what fastgo encodes and the reverse, and
// both give equal values. When sameBytes is set (no map holds more than one
// entry, so the order of entries cannot differ) the encodings must be equal
// byte for byte.
func check[A any, AP codectest.Struct[A], F any, FP fastCodec[F]](t *testing.T, apache AP, fast FP, sameBytes bool) {
	t.Helper()
	b := make([]byte, fast.BLength())
	n := fast.FastWriteNocopy(b, nil)
	require.Equal(t, len(b), n, "BLength and FastWriteNocopy disagree")

	got := FP(new(F))
	off, err := got.FastRead(b)
	require.NoError(t, err)
	assert.Equal(t, n, off)
	assert.Equal(t, fast, got, "fastgo round trip")

	assert.Equal(t, apache, codectest.Decode[A, AP](t, b), "fastgo encodes, Apache decodes")

	ab := codectest.Encode(t, apache)
	got = FP(new(F))
	off, err = got.FastRead(ab)
	require.NoError(t, err)
	assert.Equal(t, len(ab), off)
	assert.Equal(t, fast, got, "Apache encodes, fastgo decodes")

	if sameBytes {
		assert.Equal(t, ab, b, "encodings differ")
	}
	for i := range len(b) {
		_, err := FP(new(F)).FastRead(b[:i])
		require.Error(t, err, "FastRead of %d of %d bytes", i, len(b))
	}
}

func TestXtruct(t *testing.T) {
	tests := []struct {
		name   string
		apache *thrifttest.Xtruct
		fast   *fastgo.Xtruct
	}{
		{"zero", &thrifttest.Xtruct{}, &fastgo.Xtruct{}},
		{"small", &thrifttest.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5},
			&fastgo.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}},
		{"extremes", &thrifttest.Xtruct{StringThing: "héllo, 世界", ByteThing: math.MinInt8, I32Thing: math.MinInt32, I64Thing: math.MaxInt64},
			&fastgo.Xtruct{StringThing: "héllo, 世界", ByteThing: math.MinInt8, I32Thing: math.MinInt32, I64Thing: math.MaxInt64}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.apache, tt.fast, true) })
	}
}

func TestXtruct2(t *testing.T) {
	apache := &thrifttest.Xtruct2{ByteThing: 1, I32Thing: 3,
		StructThing: &thrifttest.Xtruct{StringThing: "nested", ByteThing: 2, I32Thing: 20, I64Thing: 200}}
	fast := &fastgo.Xtruct2{ByteThing: 1, I32Thing: 3,
		StructThing: &fastgo.Xtruct{StringThing: "nested", ByteThing: 2, I32Thing: 20, I64Thing: 200}}
	check(t, apache, fast, true)

	// Both write a nil struct field as an empty struct.
	nilApache := codectest.Encode(t, &thrifttest.Xtruct2{ByteThing: 1})
	nilFast := &fastgo.Xtruct2{ByteThing: 1}
	b := make([]byte, nilFast.BLength())
	assert.Equal(t, nilApache, b[:nilFast.FastWriteNocopy(b, nil)])
}

func TestInsanity(t *testing.T) {
	tests := []struct {
		name      string
		apache    *thrifttest.Insanity
		fast      *fastgo.Insanity
		sameBytes bool
	}{
		{"empty",
			&thrifttest.Insanity{UserMap: map[thrifttest.Numberz]thrifttest.UserId{}, Xtructs: []*thrifttest.Xtruct{}},
			&fastgo.Insanity{UserMap: map[fastgo.Numberz]fastgo.UserId{}, Xtructs: []*fastgo.Xtruct{}},
			true},
		{"one",
			&thrifttest.Insanity{
				UserMap: map[thrifttest.Numberz]thrifttest.UserId{thrifttest.Numberz_FIVE: 5000},
				Xtructs: []*thrifttest.Xtruct{{StringThing: "Truck", ByteThing: 1, I32Thing: 2, I64Thing: 3}},
			},
			&fastgo.Insanity{
				UserMap: map[fastgo.Numberz]fastgo.UserId{fastgo.Numberz_FIVE: 5000},
				Xtructs: []*fastgo.Xtruct{{StringThing: "Truck", ByteThing: 1, I32Thing: 2, I64Thing: 3}},
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
			&fastgo.Insanity{
				UserMap: map[fastgo.Numberz]fastgo.UserId{
					fastgo.Numberz_ONE: 1, fastgo.Numberz_TWO: -2, fastgo.Numberz_EIGHT: math.MinInt64,
				},
				Xtructs: []*fastgo.Xtruct{
					{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
					{},
					{StringThing: strings.Repeat("x", 300), ByteThing: -1, I32Thing: -1, I64Thing: -1},
				},
			},
			false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { check(t, tt.apache, tt.fast, tt.sameBytes) })
	}
}

func TestMessage(t *testing.T) {
	for _, text := range []string{"", "hello", strings.Repeat("0123456789abcdef", 64)} {
		check(t, &message.Message{Text: text}, &fastgo.Message{Text: text}, true)
	}
}

// Fields fastgo does not know, or of another type than the IDL's, are
// skipped, as Apache skips them.
func TestSkipsUnknownFields(t *testing.T) {
	// Xtruct2's encoding read as an Xtruct: field 1 is an i8 where Xtruct has
	// a string, fields 2 and 3 are unknown.
	b := codectest.Encode(t, &thrifttest.Xtruct2{ByteThing: 1, I32Thing: 3,
		StructThing: &thrifttest.Xtruct{StringThing: "skipped"}})
	var got fastgo.Xtruct
	off, err := got.FastRead(b)
	require.NoError(t, err)
	assert.Equal(t, len(b), off)
	assert.Equal(t, fastgo.Xtruct{}, got)
	assert.Equal(t, &thrifttest.Xtruct{}, codectest.Decode[thrifttest.Xtruct](t, b))
}
