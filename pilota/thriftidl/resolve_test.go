package thriftidl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/thriftidl"
)

func TestResolveTypes(t *testing.T) {
	f := mustLoad(t, `
typedef i32 A
typedef A B
typedef list<B> Bs
struct S { 1: B b, 2: Bs bs, 3: map<E, S> m, 4: Later l }
enum E { X }
struct Later {}
senum N { "n" }
typedef N NN
`)
	s := f.Structs[0]
	b := s.Fields[0].Type
	assert.Same(t, f.Typedefs[1], b.Ref)
	assert.Same(t, f, b.RefFile)
	assert.Equal(t, thriftidl.I32Type, b.Underlying().Kind)
	bs := s.Fields[1].Type.Underlying()
	assert.Equal(t, thriftidl.ListType, bs.Kind)
	assert.Equal(t, thriftidl.I32Type, bs.Elem.Underlying().Kind)
	m := s.Fields[2].Type
	assert.Same(t, f.Enums[0], m.Key.Enum())
	assert.Same(t, s, m.Value.Struct())
	assert.Nil(t, m.Key.Struct())
	assert.Same(t, f.Structs[1], s.Fields[3].Type.Ref, "types may be used before they are defined")
	assert.Same(t, f.Senums[0], f.Typedefs[3].Type.Underlying().Ref)
	u := b.Underlying()
	assert.Same(t, u, u.Underlying(), "Underlying of a base type is itself")
}

func TestResolveConsts(t *testing.T) {
	f := mustLoad(t, `
enum Color { RED = 1, GREEN = 2 }
const Color FAV = Color.GREEN
const Color BY_NUMBER = 1
const i32 NUM = Color.RED
const i32 ALIAS = NUM
const i32 ALIAS2 = ALIAS
const list<Color> ALL = [Color.RED, FAV, 2]
const map<Color, string> NAMES = {Color.RED: "red", 2: "green"}
struct S { 1: Color c = FAV, 2: i32 n = ALIAS2, 3: list<i32> l = [NUM] }
`)
	c := map[string]*thriftidl.Const{}
	for _, k := range f.Consts {
		c[k.Name] = k
	}
	red, green := f.Enums[0].Values[0], f.Enums[0].Values[1]
	assert.Same(t, green, c["FAV"].Value.RefEnumValue)
	assert.Same(t, f, c["FAV"].Value.RefFile)
	assert.Same(t, red, c["BY_NUMBER"].Value.RefEnumValue, "an integer of an enum type names its value")
	assert.Equal(t, thriftidl.IntValue, c["BY_NUMBER"].Value.Kind)
	assert.Same(t, red, c["NUM"].Value.RefEnumValue)
	assert.Same(t, c["NUM"], c["ALIAS"].Value.RefConst)
	assert.Same(t, c["ALIAS"], c["ALIAS2"].Value.RefConst)
	assert.Same(t, c["NUM"].Value, c["ALIAS2"].Value.Resolved())
	lit := c["BY_NUMBER"].Value
	assert.Same(t, lit, lit.Resolved())
	all := c["ALL"].Value.List
	assert.Same(t, red, all[0].RefEnumValue)
	assert.Same(t, c["FAV"], all[1].RefConst)
	assert.Same(t, green, all[2].RefEnumValue)
	names := c["NAMES"].Value.Map
	assert.Same(t, red, names[0].Key.RefEnumValue)
	assert.Same(t, green, names[1].Key.RefEnumValue)
	fs := f.Structs[0].Fields
	assert.Same(t, c["FAV"], fs[0].Default.RefConst)
	assert.Same(t, c["ALIAS2"], fs[1].Default.RefConst)
	assert.Same(t, c["NUM"], fs[2].Default.List[0].RefConst)
	// A reference through a const does not mark that const's value.
	assert.Nil(t, c["NUM"].Value.RefConst)
}

func TestResolveServices(t *testing.T) {
	f := mustLoad(t, `
service C extends B { void c() }
service B extends A { void b() }
service A { void a() throws (1: E e) }
exception E {}
typedef E Alias
service D { void d() throws (1: Alias e) }
`)
	s := f.Services
	assert.Same(t, s[1], s[0].ExtendsRef)
	assert.Same(t, s[2], s[1].ExtendsRef)
	assert.Nil(t, s[2].ExtendsRef)
	require.Len(t, s[3].Functions[0].Throws, 1)
	assert.Same(t, f.Structs[0], s[3].Functions[0].Throws[0].Type.Struct(), "a typedef of an exception may be thrown")
}
