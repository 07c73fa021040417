package thrifttest_test

import (
	"context"
	"reflect"
	"testing"

	athrift "github.com/apache/thrift/lib/go/thrift"
	gthrift "github.com/cloudwego/gopkg/protocol/thrift"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"

	at "github.com/govolo/volo/interop/thrifttest/apachegen/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// One-entry maps keep encodings deterministic: Go ranges over a map in
// no fixed order, so two encoders agree byte for byte only on maps of at
// most one entry.

func oneInsanity() *gen.Insanity {
	return &gen.Insanity{
		UserMap: map[gen.Numberz]gen.UserId{gen.Numberz_FIVE: 5},
		Xtructs: []*gen.Xtruct{{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4}, {}},
	}
}

func versioning() *gen.VersioningTestV2 {
	return &gen.VersioningTestV2{
		BeginInBoth: -1, Newint: 2, Newbyte: -3, Newshort: 4, Newlong: -5, Newdouble: 6.5,
		Newstruct: &gen.Bonk{Message: "bonk", Type: 7}, Newlist: []int32{8, -8}, Newset: []int32{9},
		Newmap: map[int32]int32{10: -10}, Newstring: "eleven", EndInBoth: 12,
	}
}

// crazy fills every field of CrazyNesting, the IDL's deepest nesting:
// list_field is a list of maps keyed by sets, down to maps keyed by
// structs.
func crazy() *gen.CrazyNesting {
	return &gen.CrazyNesting{
		StringField: "crazy",
		SetField:    []*gen.Insanity{oneInsanity(), {UserMap: map[gen.Numberz]gen.UserId{}, Xtructs: []*gen.Xtruct{}}},
		ListField: []map[*[]int32]map[int32][][]map[*gen.Insanity]string{
			{&[]int32{1, 2, 3}: {7: {{{oneInsanity(): "deep"}}, {}}}},
			{},
		},
		BinaryField: []byte{0, 1, 0xfe, 0xff},
		UuidField:   thrift.UUID{0x5e, 0x2a, 0xb1, 0x88, 0x17, 0x26, 0x4e, 0x75, 0xa0, 0x4f, 0x1e, 0xd9, 0xa6, 0xa8, 0x9c, 0x4c},
	}
}

// codecCase is a volo value and an empty value of Apache's type of the
// same IDL struct.
type codecCase struct {
	name   string
	volo   thrift.Struct
	apache func() athrift.TStruct
	// deep is false where reflect.DeepEqual cannot compare a decoded
	// value (maps keyed by pointers): the re-encoding is compared instead.
	deep bool
}

func codecCases() []codecCase {
	s := func(v string) *string { return &v }
	i := func(v int32) *int32 { return &v }
	b := func(v bool) *bool { return &v }
	return []codecCase{
		{"Xtruct", &gen.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}, func() athrift.TStruct { return at.NewXtruct() }, true},
		{"Xtruct/zero", &gen.Xtruct{}, func() athrift.TStruct { return at.NewXtruct() }, true},
		{"Xtruct2", &gen.Xtruct2{ByteThing: 1, StructThing: &gen.Xtruct{StringThing: "in"}, I32Thing: 5}, func() athrift.TStruct { return at.NewXtruct2() }, true},
		{"Xtruct3", &gen.Xtruct3{StringThing: "x3", Changed: -1, I32Thing: 1 << 30, I64Thing: -1 << 62}, func() athrift.TStruct { return at.NewXtruct3() }, true},
		{"Insanity", oneInsanity(), func() athrift.TStruct { return at.NewInsanity() }, true},
		{"Insanity/empty", &gen.Insanity{UserMap: map[gen.Numberz]gen.UserId{}, Xtructs: []*gen.Xtruct{}}, func() athrift.TStruct { return at.NewInsanity() }, true},
		{"Bonk", &gen.Bonk{Message: "日本語", Type: -1}, func() athrift.TStruct { return at.NewBonk() }, true},
		{"Bools", &gen.Bools{ImTrue: true}, func() athrift.TStruct { return at.NewBools() }, true},
		{"SomeUnion/string", &gen.SomeUnion{StringThing: s("u")}, func() athrift.TStruct { return at.NewSomeUnion() }, true},
		{"SomeUnion/i32", &gen.SomeUnion{I32Thing: i(-7)}, func() athrift.TStruct { return at.NewSomeUnion() }, true},
		{"SomeUnion/map", &gen.SomeUnion{MapThing: map[gen.Numberz]gen.UserId{gen.Numberz_SIX: -6}}, func() athrift.TStruct { return at.NewSomeUnion() }, true},
		{"SomeUnion/insanity", &gen.SomeUnion{InsanityThing: oneInsanity()}, func() athrift.TStruct { return at.NewSomeUnion() }, true},
		{"Xception", &gen.Xception{ErrorCode: 1001, Message: "This is an Xception"}, func() athrift.TStruct { return at.NewXception() }, true},
		{"Xception2", &gen.Xception2{ErrorCode: 2002, StructThing: &gen.Xtruct{StringThing: "This is an Xception2"}}, func() athrift.TStruct { return at.NewXception2() }, true},
		{"EmptyStruct", &gen.EmptyStruct{}, func() athrift.TStruct { return at.NewEmptyStruct() }, true},
		{"OneField", &gen.OneField{Field: &gen.EmptyStruct{}}, func() athrift.TStruct { return at.NewOneField() }, true},
		{"VersioningTestV2", versioning(), func() athrift.TStruct { return at.NewVersioningTestV2() }, true},
		{"LargeDeltas", &gen.LargeDeltas{
			B1: &gen.Bools{ImTrue: true}, B10: &gen.Bools{}, B100: &gen.Bools{ImFalse: true}, CheckTrue: true,
			B1000: &gen.Bools{}, Vertwo2000: versioning(), ASet2500: []string{"a", "b"}, Vertwo3000: versioning(),
			BigNumbers: []int32{1<<31 - 1, -1 << 31},
		}, func() athrift.TStruct { return at.NewLargeDeltas() }, true},
		{"NestedListsI32x3", &gen.NestedListsI32x3{Integerlist: [][][]int32{{{1}, {}}, {}}}, func() athrift.TStruct { return at.NewNestedListsI32x3() }, true},
		{"NestedMixedx2", &gen.NestedMixedx2{
			IntSetList: [][]int32{{1, 2}, {}}, MapIntStrset: map[int32][]string{3: {"x", "y"}},
			MapIntStrsetList: []map[int32][]string{{4: {}}, {}},
		}, func() athrift.TStruct { return at.NewNestedMixedx2() }, true},
		{"NestedListsBonk", &gen.NestedListsBonk{Bonk: [][][]*gen.Bonk{{{{Message: "m", Type: 1}}}}}, func() athrift.TStruct { return at.NewNestedListsBonk() }, true},
		{"GuessProtocolStruct", &gen.GuessProtocolStruct{MapField: map[string]string{"k": "v"}}, func() athrift.TStruct { return at.NewGuessProtocolStruct() }, true},
		// Apache leaves out an optional field that equals its default:
		// values other than the defaults encode the same on both sides.
		{"BoolTest", &gen.BoolTest{B: b(false), S: s("false")}, func() athrift.TStruct { return at.NewBoolTest() }, true},
		{"StructB", &gen.StructB{Aa: &gen.StructA{S: "a"}, Ab: &gen.StructA{S: "b"}}, func() athrift.TStruct { return at.NewStructB() }, true},
		{"OptionalBinary", &gen.OptionalBinary{BinSet: [][]byte{{1}, {}}, BinMap: map[string]int32{"\x00": 1}}, func() athrift.TStruct { return at.NewOptionalBinary() }, true},
		{"testMulti args", &gen.ThriftTestTestMultiArgs{Arg0: 42, Arg1: 4242, Arg2: 424242, Arg3: map[int16]string{1: "blah"}, Arg4: gen.Numberz_EIGHT, Arg5: 24},
			func() athrift.TStruct { return at.NewThriftTestTestMultiArgs() }, true},
		{"testInsanity result", &gen.ThriftTestTestInsanityResult{Success: map[gen.UserId]map[gen.Numberz]*gen.Insanity{1: {gen.Numberz_TWO: oneInsanity()}}},
			func() athrift.TStruct { return at.NewThriftTestTestInsanityResult() }, true},
		{"testMultiException result", &gen.ThriftTestTestMultiExceptionResult{Err2: &gen.Xception2{ErrorCode: 2002, StructThing: &gen.Xtruct{}}},
			func() athrift.TStruct { return at.NewThriftTestTestMultiExceptionResult() }, true},
		{"CrazyNesting", crazy(), nil, false},
	}
}

// newLike returns a new empty value of v's type.
func newLike(v thrift.Struct) thrift.Struct {
	return reflect.New(reflect.TypeOf(v).Elem()).Interface().(thrift.Struct)
}

// sameValue checks that got, decoded, is want: equal, or where that
// cannot be told, encoding to the same bytes.
func sameValue(t *testing.T, c codecCase, got thrift.Struct) {
	t.Helper()
	if c.deep {
		assert.Equal(t, c.volo, got)
	}
	assert.Equal(t, c.volo.AppendThrift(nil), got.AppendThrift(nil))
}

func TestGopkgFastCodec(t *testing.T) {
	for _, c := range codecCases() {
		t.Run(c.name, func(t *testing.T) {
			fc, ok := c.volo.(gthrift.FastCodec)
			require.True(t, ok, "%T is not a gopkg FastCodec", c.volo)
			want := c.volo.AppendThrift(nil)
			require.Len(t, want, c.volo.ThriftSize())

			// gopkg encodes, volo decodes; and gopkg's skipper, which knows
			// nothing of the type, agrees on where the struct ends (gopkg
			// v0.1.4's skipper does not know uuid, type 16).
			b := gthrift.FastMarshal(fc)
			assert.Equal(t, want, b)
			if c.name != "CrazyNesting" {
				n, err := gthrift.Binary.Skip(b, gthrift.STRUCT)
				require.NoError(t, err)
				assert.Equal(t, len(b), n)
			}
			got := newLike(c.volo)
			require.NoError(t, got.DecodeThrift(thrift.NewDecoder(b)))
			sameValue(t, c, got)

			// volo encodes, gopkg decodes.
			got = newLike(c.volo)
			require.NoError(t, gthrift.FastUnmarshal(want, got.(gthrift.FastCodec)))
			sameValue(t, c, got)
		})
	}
}

func TestGopkgFastMsg(t *testing.T) {
	for _, c := range codecCases() {
		t.Run(c.name, func(t *testing.T) {
			fc := c.volo.(gthrift.FastCodec)
			want := thrift.AppendMessage(nil, "testStruct", thrift.MessageReply, 7, c.volo)
			b, err := gthrift.MarshalFastMsg("testStruct", gthrift.REPLY, 7, fc)
			require.NoError(t, err)
			assert.Equal(t, want, b)

			got := newLike(c.volo)
			name, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(b), got)
			require.NoError(t, err)
			assert.Equal(t, "testStruct", name)
			assert.Equal(t, thrift.MessageReply, typ)
			assert.Equal(t, int32(7), seq)
			sameValue(t, c, got)

			got = newLike(c.volo)
			name, seq, err = gthrift.UnmarshalFastMsg(want, got.(gthrift.FastCodec))
			require.NoError(t, err)
			assert.Equal(t, "testStruct", name)
			assert.Equal(t, int32(7), seq)
			sameValue(t, c, got)
		})
	}
}

func apacheEncode(t *testing.T, s athrift.TStruct) []byte {
	t.Helper()
	buf := athrift.NewTMemoryBuffer()
	p := athrift.NewTBinaryProtocolConf(buf, nil)
	require.NoError(t, s.Write(context.Background(), p))
	require.NoError(t, p.Flush(context.Background()))
	return buf.Bytes()
}

func apacheDecode(t *testing.T, b []byte, s athrift.TStruct) {
	t.Helper()
	buf := athrift.NewTMemoryBuffer()
	_, err := buf.Write(b)
	require.NoError(t, err)
	require.NoError(t, s.Read(context.Background(), athrift.NewTBinaryProtocolConf(buf, nil)))
	assert.Zero(t, buf.Len(), "Apache left bytes unread")
}

// TestApacheEncodingIsVolos decodes volo's encoding with Apache's
// generated code and encodes it again: the bytes must be volo's, so Apache
// read every field and writes them as volo does; volo then decodes them to
// the value it started from.
func TestApacheEncodingIsVolos(t *testing.T) {
	for _, c := range codecCases() {
		if c.apache == nil {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			want := c.volo.AppendThrift(nil)
			a := c.apache()
			apacheDecode(t, want, a)
			b := apacheEncode(t, a)
			assert.Equal(t, want, b)
			got := newLike(c.volo)
			require.NoError(t, got.DecodeThrift(thrift.NewDecoder(b)))
			sameValue(t, c, got)
		})
	}
}

// TestApacheSkipsWhatItLacks: Apache's CrazyNesting, generated by 0.17,
// has no list_field and no uuid_field. It must skip volo's, nested four
// containers deep, and keep the rest; volo refuses what Apache writes
// back, which lacks the required list_field.
func TestApacheSkipsWhatItLacks(t *testing.T) {
	v := crazy()
	a := at.NewCrazyNesting()
	apacheDecode(t, v.AppendThrift(nil), a)
	assert.Equal(t, "crazy", a.StringField)
	assert.Equal(t, v.BinaryField, a.BinaryField)
	require.Len(t, a.SetField, 2)
	assert.Equal(t, map[at.Numberz]at.UserId{at.Numberz_FIVE: 5}, a.SetField[0].UserMap)
	assert.Equal(t, []*at.Xtruct{{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4}, {}}, a.SetField[0].Xtructs)
	assert.Empty(t, a.SetField[1].UserMap)

	err := gen.NewCrazyNesting().DecodeThrift(thrift.NewDecoder(apacheEncode(t, a)))
	assert.ErrorContains(t, err, "required field list_field (3) of CrazyNesting is missing")
}

// TestVersioning reads each version of VersioningTest as the other, as
// Apache's own tests do: both sides keep the fields they share and skip
// the others (field 3 changes type from string to i8).
func TestVersioning(t *testing.T) {
	// V2 as V1: what is left has no struct field, so the bytes agree.
	b := versioning().AppendThrift(nil)
	v1 := gen.NewVersioningTestV1()
	require.NoError(t, v1.DecodeThrift(thrift.NewDecoder(b)))
	assert.Equal(t, &gen.VersioningTestV1{BeginInBoth: -1, EndInBoth: 12}, v1)
	a1 := at.NewVersioningTestV1()
	apacheDecode(t, b, a1)
	assert.Equal(t, apacheEncode(t, a1), v1.AppendThrift(nil))

	// V1 as V2.
	b = (&gen.VersioningTestV1{BeginInBoth: 1, OldString: "old", EndInBoth: 12}).AppendThrift(nil)
	v2 := gen.NewVersioningTestV2()
	require.NoError(t, v2.DecodeThrift(thrift.NewDecoder(b)))
	assert.Equal(t, &gen.VersioningTestV2{BeginInBoth: 1, EndInBoth: 12}, v2)
	a2 := at.NewVersioningTestV2()
	apacheDecode(t, b, a2)
	assert.Equal(t, &at.VersioningTestV2{BeginInBoth: 1, EndInBoth: 12}, a2)
	// Here the encodings part: Apache writes the unset struct newstruct
	// (default requiredness) as an empty struct, volo leaves it out, as
	// it leaves out every nil struct. Either reads the other's.
	ab := apacheEncode(t, a2)
	assert.NotEqual(t, ab, v2.AppendThrift(nil))
	back := gen.NewVersioningTestV2()
	require.NoError(t, back.DecodeThrift(thrift.NewDecoder(ab)))
	assert.Equal(t, &gen.Bonk{}, back.Newstruct)
	back.Newstruct = nil
	assert.Equal(t, v2.AppendThrift(nil), back.AppendThrift(nil))
}
