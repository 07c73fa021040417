package codec_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/bench/codec/internal/apachegen/message"
	"github.com/govolo/volo/bench/codec/internal/apachegen/thrifttest"
	"github.com/govolo/volo/bench/codec/internal/codectest"
)

// A testCase is one benchmarked value, given in Apache's types: the
// reference every implementation is checked against.
type testCase struct {
	name string
	// want is the value as Apache's generated code encodes it; every
	// implementation decodes it to get the value it encodes.
	want []byte
	// codec picks the case's codec constructor from an impl.
	codec func(impl) func() codec
	// check fails unless b, decoded by Apache's generated code, is the
	// reference value.
	check func(tb testing.TB, b []byte)
}

// newCase encodes ref with Apache's generated code and returns the case.
func newCase[T any, P codectest.Struct[T]](tb testing.TB, name string, ref P, pick func(impl) func() codec) testCase {
	return testCase{
		name:  name,
		want:  codectest.Encode(tb, ref),
		codec: pick,
		check: func(tb testing.TB, b []byte) {
			tb.Helper()
			require.Equal(tb, ref, codectest.Decode[T, P](tb, b))
		},
	}
}

// cases returns the benchmarked values: an Xtruct, a realistic Insanity (3
// map entries, 4 Xtructs) and a Message of 1 KiB of text.
func cases(tb testing.TB) []testCase {
	xtruct := &thrifttest.Xtruct{StringThing: "Hello, world!", ByteThing: 1, I32Thing: 1 << 20, I64Thing: -1 << 40}
	insanity := &thrifttest.Insanity{
		UserMap: map[thrifttest.Numberz]thrifttest.UserId{
			thrifttest.Numberz_FIVE: 5000, thrifttest.Numberz_EIGHT: 8_000_000_000, thrifttest.Numberz_ONE: -1,
		},
		Xtructs: []*thrifttest.Xtruct{
			{StringThing: "Truck", ByteThing: 1, I32Thing: 1, I64Thing: 1},
			{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
			{StringThing: "Hello2", ByteThing: 2, I32Thing: 2, I64Thing: 2},
			{StringThing: "a somewhat longer string_thing", ByteThing: -1, I32Thing: -1 << 30, I64Thing: 1 << 60},
		},
	}
	msg := &message.Message{Text: strings.Repeat("0123456789abcdef", 64)}
	return []testCase{
		newCase(tb, "Xtruct", xtruct, func(i impl) func() codec { return i.xtruct }),
		newCase(tb, "Insanity", insanity, func(i impl) func() codec { return i.insanity }),
		newCase(tb, "Message", msg, func(i impl) func() codec { return i.message }),
	}
}

// loaded returns impl's codec for tc, holding tc's value, after checking
// that it encodes that value.
func loaded(tb testing.TB, tc testCase, im impl) codec {
	tb.Helper()
	newCodec := tc.codec(im)
	require.NotNil(tb, newCodec, "%s has no codec for %s", im.name, tc.name)
	c := newCodec()
	require.NoError(tb, c.decode(tc.want))
	checkEncode(tb, tc, c)
	return c
}

// checkEncode fails unless c encodes tc's value.
func checkEncode(tb testing.TB, tc testCase, c codec) {
	tb.Helper()
	got, err := c.encode()
	require.NoError(tb, err)
	require.Len(tb, got, len(tc.want))
	tc.check(tb, got)
}
