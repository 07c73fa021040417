package thriftidl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/thriftidl"
)

func TestHeaders(t *testing.T) {
	f := mustParse(t, `
include "shared.thrift"
include 'dir/other.types.thrift'
cpp_include "<vector>"
namespace go  example.gen (package.prefix = "x")
namespace * example
namespace py.twisted twisted.example
`)
	require.Len(t, f.Includes, 2)
	assert.Equal(t, "shared.thrift", f.Includes[0].Path)
	assert.Equal(t, "shared", f.Includes[0].Name)
	assert.Equal(t, "other.types", f.Includes[1].Name)
	assert.Nil(t, f.Includes[0].File, "Parse does not read includes")
	assert.Equal(t, "test.thrift:2:1", f.Includes[0].Pos.String())
	require.Len(t, f.CppIncludes, 1)
	assert.Equal(t, "<vector>", f.CppIncludes[0].Path)
	require.Len(t, f.Namespaces, 3)
	v, ok := f.Namespaces[0].Annotations.Get("package.prefix")
	assert.True(t, ok)
	assert.Equal(t, "x", v)
	assert.Equal(t, "example.gen", f.Namespace("go"))
	assert.Equal(t, "example", f.Namespace("java"), "falls back to *")
	assert.Equal(t, "twisted.example", f.Namespace("py.twisted"))
	assert.Equal(t, "test", f.Name)
}

func TestNamespaceWithoutStar(t *testing.T) {
	f := mustParse(t, "namespace go a\nnamespace go b\n")
	assert.Equal(t, "b", f.Namespace("go"), "the last declaration wins")
	assert.Equal(t, "", f.Namespace("java"))
}

func TestBaseAndContainerTypes(t *testing.T) {
	f := mustParse(t, `struct S {
  1: bool a
  2: byte b
  3: i8 c
  4: i16 d
  5: i32 e
  6: i64 f
  7: double g
  8: string h
  9: binary i
  10: uuid j
  11: slist k
  12: list<i32> l
  13: set<string> m
  14: map<string, list<Other>> n
  15: shared.Thing o
  16: map cpp_type "std::unordered_map<int, int>" <i32, i32> p
  17: list<i8> cpp_type "std::vector<int8_t>" q
  18: list<string (x = "1")> (y = "2") r
}`)
	s := f.Structs[0]
	want := []struct {
		kind thriftidl.TypeKind
		str  string
	}{
		{thriftidl.BoolType, "bool"}, {thriftidl.I8Type, "byte"}, {thriftidl.I8Type, "i8"},
		{thriftidl.I16Type, "i16"}, {thriftidl.I32Type, "i32"}, {thriftidl.I64Type, "i64"},
		{thriftidl.DoubleType, "double"}, {thriftidl.StringType, "string"},
		{thriftidl.BinaryType, "binary"}, {thriftidl.UUIDType, "uuid"},
		{thriftidl.StringType, "slist"}, {thriftidl.ListType, "list<i32>"},
		{thriftidl.SetType, "set<string>"}, {thriftidl.MapType, "map<string,list<Other>>"},
		{thriftidl.NamedType, "shared.Thing"}, {thriftidl.MapType, "map<i32,i32>"},
		{thriftidl.ListType, "list<i8>"}, {thriftidl.ListType, "list<string>"},
	}
	require.Len(t, s.Fields, len(want))
	for i, w := range want {
		assert.Equal(t, w.kind, s.Fields[i].Type.Kind, "field %d", i+1)
		assert.Equal(t, w.str, s.Fields[i].Type.String(), "field %d", i+1)
	}
	n := s.Fields[13].Type
	assert.Equal(t, thriftidl.StringType, n.Key.Kind)
	assert.Equal(t, "Other", n.Value.Elem.Name)
	assert.Equal(t, "test.thrift:15:24", n.Value.Elem.Pos.String())
	assert.Equal(t, "std::unordered_map<int, int>", s.Fields[15].Type.CppType)
	assert.Equal(t, "std::vector<int8_t>", s.Fields[16].Type.CppType)
	r := s.Fields[17].Type
	x, _ := r.Elem.Annotations.Get("x")
	y, _ := r.Annotations.Get("y")
	assert.Equal(t, "1", x)
	assert.Equal(t, "2", y)
}

func TestFields(t *testing.T) {
	f := mustParse(t, `struct S {
  1: required i32 a = 5,
  optional string b;
  i64 c
  -4: i32 d
  7: list<S> & e (cpp.ref = "true")
  8: string namespace xsd_optional xsd_nillable
  9: i32 f xsd_attrs { 1: i32 g }
}`)
	fs := f.Structs[0].Fields
	require.Len(t, fs, 7)
	type want struct {
		id       int
		implicit bool
		req      thriftidl.Requiredness
		name     string
	}
	got := make([]want, len(fs))
	for i, fd := range fs {
		got[i] = want{fd.ID, fd.ImplicitID, fd.Requiredness, fd.Name}
	}
	assert.Equal(t, []want{
		{1, false, thriftidl.Required, "a"},
		{-1, true, thriftidl.Optional, "b"},
		{-2, true, thriftidl.DefaultRequiredness, "c"},
		{-3, true, thriftidl.DefaultRequiredness, "d"}, // Apache ignores ids below 1
		{7, false, thriftidl.DefaultRequiredness, "e"},
		{8, false, thriftidl.DefaultRequiredness, "namespace"},
		{9, false, thriftidl.DefaultRequiredness, "f"},
	}, got)
	assert.Equal(t, int64(5), fs[0].Default.Int)
	assert.True(t, fs[4].Reference)
	assert.True(t, fs[5].XsdOptional)
	assert.True(t, fs[5].XsdNillable)
	require.Len(t, fs[6].XsdAttrs, 1)
	assert.Equal(t, "g", fs[6].XsdAttrs[0].Name)
	assert.Equal(t, "required", fs[0].Requiredness.String())
	assert.Equal(t, "test.thrift:3:3", fs[1].Pos.String())
}

func TestKeywordsAsFieldNames(t *testing.T) {
	f := mustParse(t, `struct S {
  1: i32 struct, 2: i32 service, 3: i32 list, 4: i32 required, 5: i32 optional,
  6: i32 void, 7: i32 oneway, 8: i32 async, 9: i32 include, 10: i32 enum
}
service T { void f(1: i32 throws, 2: string extends) }`)
	var names []string
	for _, fd := range f.Structs[0].Fields {
		names = append(names, fd.Name)
	}
	assert.Equal(t, []string{"struct", "service", "list", "required", "optional", "void", "oneway", "async", "include", "enum"}, names)
	assert.Equal(t, "throws", f.Services[0].Functions[0].Args[0].Name)
}

func TestStructKinds(t *testing.T) {
	f := mustParse(t, `
struct A xsd_all { } (a = "b")
union B { 1: i32 x; 2: string y }
exception C { 1: string message }`)
	require.Len(t, f.Structs, 3)
	assert.Equal(t, thriftidl.KindStruct, f.Structs[0].Kind)
	assert.True(t, f.Structs[0].XsdAll)
	assert.Equal(t, thriftidl.KindUnion, f.Structs[1].Kind)
	assert.Equal(t, thriftidl.KindException, f.Structs[2].Kind)
	assert.Equal(t, "exception", f.Structs[2].Kind.String())
	assert.Len(t, f.Structs[0].Fields, 0)
	assert.NotNil(t, f.Structs[0].Fields, "an empty field list is not nil")
	assert.Equal(t, "y", f.Structs[1].Field("y").Name)
	assert.Nil(t, f.Structs[1].Field("z"))
}

func TestEnums(t *testing.T) {
	f := mustParse(t, `enum E {
  A,
  B = 10;
  C
  D = -0x10 (deprecated)
  E = 0x7fffffff
} (e = "f")
senum S { "x", "y"; 'z' }`)
	e := f.Enums[0]
	type want struct {
		name     string
		value    int64
		explicit bool
	}
	var got []want
	for _, v := range e.Values {
		got = append(got, want{v.Name, v.Value, v.Explicit})
		assert.Same(t, e, v.Enum)
	}
	assert.Equal(t, []want{{"A", 0, false}, {"B", 10, true}, {"C", 11, false}, {"D", -16, true}, {"E", 1<<31 - 1, true}}, got)
	_, ok := e.Values[3].Annotations.Get("deprecated")
	assert.True(t, ok)
	assert.Equal(t, "C", e.Value("C").Name)
	assert.Nil(t, e.Value("Z"))
	require.Len(t, f.Senums, 1)
	assert.Equal(t, []string{"x", "y", "z"}, f.Senums[0].Values)
}

func TestServices(t *testing.T) {
	f := mustParse(t, `service Base {}
service S extends shared.Base {
  void ping(),
  oneway void fire(1: string what);
  async void old()
  list<i32> get(1: i32 id, 2: optional string name) throws (1: Err e, 2: Other o) (idempotent)
  binary raw() (a = "b"),
} (svc = "1")`)
	require.Len(t, f.Services, 2)
	s := f.Services[1]
	assert.Equal(t, "shared.Base", s.Extends)
	assert.Equal(t, "test.thrift:2:19", s.ExtendsPos.String())
	require.Len(t, s.Functions, 5)
	assert.Nil(t, s.Functions[0].Result)
	assert.True(t, s.Functions[1].Oneway)
	assert.True(t, s.Functions[2].Oneway, "async is the old oneway")
	get := s.Functions[3]
	assert.Equal(t, "list<i32>", get.Result.String())
	require.Len(t, get.Args, 2)
	assert.Equal(t, thriftidl.Optional, get.Args[1].Requiredness)
	require.Len(t, get.Throws, 2)
	assert.Equal(t, "Other", get.Throws[1].Type.Name)
	_, ok := get.Annotations.Get("idempotent")
	assert.True(t, ok)
	v, _ := s.Annotations.Get("svc")
	assert.Equal(t, "1", v)
}

func TestTypedefsAndDefinitionOrder(t *testing.T) {
	f := mustParse(t, `typedef i32 MyInt (a = "b"),
const MyInt X = 1;
struct S {}
enum E {}
typedef list<S> Ss
service V {}
senum N {}
`)
	var order []string
	for _, d := range f.Definitions {
		order = append(order, d.Ident())
	}
	assert.Equal(t, []string{"MyInt", "X", "S", "E", "Ss", "V", "N"}, order)
	assert.Len(t, f.Typedefs, 2)
	assert.Len(t, f.Consts, 1)
	assert.Len(t, f.Enums, 1)
	assert.Len(t, f.Structs, 1)
	assert.Len(t, f.Services, 1)
	assert.Len(t, f.Senums, 1)
	assert.Equal(t, "test.thrift:5:1", f.Definitions[4].Position().String())
	assert.Same(t, f.Typedefs[0], f.Lookup("MyInt"))
	assert.Same(t, f.Consts[0], f.Lookup("X"))
	assert.Nil(t, f.Lookup("Nope"))
}

func TestConstValues(t *testing.T) {
	f := mustParse(t, `
const i32 hex = 0x1F
const i32 neg = -42
const i64 plus = +7
const double d1 = 3.25
const double d2 = -1e10
const double d3 = 1.5E-3
const double d4 = .5
const string s1 = "a\"b\n\t\\'"
const string s2 = 'it\'s'
const string s3 = 'say "hi"'
const bool t = true
const bool f = false
const list<i32> l = [1, 2; 3 4]
const map<string, i32> m = {"a": 1, "b": 2; "c": 3 "d": 4}
const i32 r = Enum.VALUE
const i32 q = inc.Enum.VALUE (doc = "x")
const list<list<i32>> nested = [[], [1]]
`)
	c := map[string]*thriftidl.ConstValue{}
	for _, k := range f.Consts {
		c[k.Name] = k.Value
	}
	assert.Equal(t, int64(31), c["hex"].Int)
	assert.Equal(t, "0x1F", c["hex"].Raw)
	assert.Equal(t, int64(-42), c["neg"].Int)
	assert.Equal(t, int64(7), c["plus"].Int)
	assert.Equal(t, thriftidl.DoubleValue, c["d1"].Kind)
	assert.Equal(t, 3.25, c["d1"].Double)
	assert.Equal(t, -1e10, c["d2"].Double)
	assert.Equal(t, 1.5e-3, c["d3"].Double)
	assert.Equal(t, 0.5, c["d4"].Double)
	assert.Equal(t, "a\"b\n\t\\'", c["s1"].Text)
	assert.Equal(t, "it's", c["s2"].Text)
	assert.Equal(t, "say \"hi\"", c["s3"].Text)
	assert.Equal(t, thriftidl.BoolValue, c["t"].Kind)
	assert.True(t, c["t"].Bool)
	assert.Equal(t, int64(1), c["t"].Int)
	assert.False(t, c["f"].Bool)
	require.Len(t, c["l"].List, 4)
	assert.Equal(t, int64(4), c["l"].List[3].Int)
	require.Len(t, c["m"].Map, 4)
	assert.Equal(t, "c", c["m"].Map[2].Key.Text)
	assert.Equal(t, int64(4), c["m"].Map[3].Value.Int)
	assert.Equal(t, thriftidl.IdentValue, c["r"].Kind)
	assert.Equal(t, "Enum.VALUE", c["r"].Ident)
	assert.Equal(t, "inc.Enum.VALUE", c["q"].Ident)
	assert.Len(t, f.Consts[15].Annotations, 1)
	assert.Len(t, c["nested"].List[0].List, 0)
	assert.Equal(t, "test.thrift:18:38", c["nested"].List[1].List[0].Pos.String())
}

// The lexer takes the longest match, as flex does.
func TestLexing(t *testing.T) {
	f := mustParse(t, "const double e10 = 1e10\r\nconst i32 x=098;const i32\ty = 0x0\n")
	assert.Equal(t, "e10", f.Consts[0].Name, "e10 is an identifier")
	assert.Equal(t, 1e10, f.Consts[0].Value.Double)
	assert.Equal(t, int64(98), f.Consts[1].Value.Int, "leading zeros are decimal")
	assert.Equal(t, "test.thrift:2:1", f.Consts[1].Pos.String())
	assert.Equal(t, "test.thrift:2:23", f.Consts[2].Type.Pos.String())
	bom := mustParse(t, "\xEF\xBB\xBFstruct S {}")
	assert.Equal(t, "S", bom.Structs[0].Name)
}

func TestComments(t *testing.T) {
	f := mustParse(t, `# hash
// slashes
/* block */ /**/ /***/
struct /* inside */ S { # x
  1: i32 a // trailing
}`)
	require.Len(t, f.Structs, 1)
	assert.Equal(t, "", f.Structs[0].Doc)
	assert.Equal(t, "", f.Structs[0].Fields[0].Doc)
}

func TestOptionalSeparators(t *testing.T) {
	f := mustParse(t, "struct A {};\nenum B { X },\nservice C {};")
	assert.Len(t, f.Definitions, 3)
}
