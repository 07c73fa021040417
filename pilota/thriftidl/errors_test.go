package thriftidl_test

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/thriftidl"
)

func TestSyntaxErrors(t *testing.T) {
	deep := "const " + strings.Repeat("list<", 101) + "i32" + strings.Repeat(">", 101) + " X = []"
	tests := []struct {
		src, want string
	}{
		{"struct S { 1: i32 }", "e.thrift:1:19: expected field name, found '}'"},
		{"struct S { 1 i32 a }", "e.thrift:1:14: expected ':', found keyword i32"},
		{"struct { }", "e.thrift:1:8: expected struct name, found '{'"},
		{"const i32 X = ", "e.thrift:1:15: expected constant value, found end of file"},
		{"enum E { A = 1.5 }", "e.thrift:1:14: expected integer, found number 1.5"},
		{"enum E { A = 0x80000000 }", "e.thrift:1:14: enum value 0x80000000 is out of range for i32"},
		{"enum E { A = 2147483647, B }", "e.thrift:1:26: enum value B overflows i32"},
		{"const i64 X = 9223372036854775808", "e.thrift:1:15: integer constant 9223372036854775808 is too big"},
		{"const i64 X = 0x8000000000000000", "e.thrift:1:15: integer constant 0x8000000000000000 is too big"},
		{"const double X = 1e999", "e.thrift:1:18: floating-point constant 1e999 is out of range"},
		{`const string X = "abc`, "e.thrift:1:18: string literal not terminated"},
		{"const string X = \"abc\nstruct S {}", "e.thrift:1:18: string literal not terminated"},
		{`const string X = "a\qb"`, `e.thrift:1:20: invalid escape sequence \q`},
		{"/* never closed", "e.thrift:1:1: comment not terminated"},
		{"struct S { 1: i32 a } @", "e.thrift:1:23: illegal character U+0040 '@'"},
		{"struct S { 1: i32 a } \xff", "e.thrift:1:23: illegal byte 0xff"},
		{"const i32 X = - 1", "e.thrift:1:15: illegal character U+002D '-'"},
		{"typedef i32 a.b", "e.thrift:1:13: typedef name a.b cannot contain a dot"},
		{"struct S { 1: i32 a.b }", "e.thrift:1:19: field name a.b cannot contain a dot"},
		{"struct S { 1: void x }", "e.thrift:1:15: expected type, found keyword void"},
		{"struct S { 40000: i32 x }", "e.thrift:1:12: field id 40000 is out of range for i16"},
		{"namespace go", "e.thrift:1:13: expected namespace name, found end of file"},
		{"namespace go list", "e.thrift:1:14: expected namespace name, found keyword list"},
		{"struct S { 1: i32 a = }", "e.thrift:1:23: expected constant value, found '}'"},
		{deep, "e.thrift:1:507: nesting deeper than 100 levels"},
		{"service S { void f() throws }", "e.thrift:1:29: expected '(', found '}'"},
		{"service S extends { }", "e.thrift:1:19: expected service name, found '{'"},
		{"struct S { 1: i32 a (x = 1) }", "e.thrift:1:26: expected annotation value, found integer 1"},
		{"struct true {}", "e.thrift:1:8: expected struct name, found integer true"},
		{"enum E { struct }", "e.thrift:1:10: expected enum value name, found keyword struct"},
		{"struct S {}\ninclude \"x.thrift\"", "e.thrift:2:1: include must come before the definitions"},
		{"}", "e.thrift:1:1: expected definition, found '}'"},
		{
			"struct A { 1: i32 }\nstruct B { 1: i32 b }\nenum C { X = y }\nservice E extends {}",
			"e.thrift:1:19: expected field name, found '}'\n" +
				"e.thrift:3:14: expected integer, found identifier y\n" +
				"e.thrift:4:19: expected service name, found '{'",
		},
	}
	for _, tt := range tests {
		t.Run(tt.src[:min(len(tt.src), 30)], func(t *testing.T) {
			_, err := thriftidl.Parse("e.thrift", []byte(tt.src))
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.ErrorIs(t, err, thriftidl.ErrSyntax)
			assert.NotErrorIs(t, err, thriftidl.ErrResolve)
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"struct S { 1: Missing a }", `e.thrift:1:15: unknown type "Missing"`},
		{"struct S { 1: shared.T a }", `e.thrift:1:15: unknown type "shared.T": no include named "shared"`},
		{"struct S {}\nstruct S {}", `e.thrift:2:1: "S" redefined; first defined at e.thrift:1:1`},
		{"struct S {}\nservice S {}", `e.thrift:2:1: "S" redefined; first defined at e.thrift:1:1`},
		{"const i32 A = 1\nconst i32 A = 2", `e.thrift:2:1: "A" redefined; first defined at e.thrift:1:1`},
		{"struct S { 1: i32 a, 1: i32 b }", `e.thrift:1:22: duplicate field id 1 in struct "S"; first used by "a" at e.thrift:1:12`},
		{"struct S { 1: i32 a, 2: i32 a }", `e.thrift:1:22: duplicate field name "a" in struct "S"; first at e.thrift:1:12`},
		{"enum E { A, B, A }", `e.thrift:1:16: duplicate value "A" in enum "E"; first at e.thrift:1:10`},
		{"typedef A B\ntypedef B A", "e.thrift:1:1: typedef cycle: B -> A -> B"},
		{"typedef C C", "e.thrift:1:1: typedef cycle: C -> C"},
		{"struct T {}\nservice S extends T {}", `e.thrift:2:19: service "S" extends "T", which is a struct, not a service`},
		{"service S extends Nope {}", `e.thrift:1:19: unknown service "Nope"`},
		{"service A extends B {}\nservice B extends A {}", "e.thrift:1:19: service inheritance cycle: A -> B -> A"},
		{"struct T {}\nservice S { void f() throws (1: T t) }", `e.thrift:2:33: throws field "t" has type T, which is not an exception`},
		{"exception X {}\nservice S { oneway i32 f() }", `e.thrift:2:13: oneway function "f" must return void`},
		{"exception X {}\nservice S { oneway void f() throws (1: X x) }", `e.thrift:2:37: oneway function "f" cannot throw exceptions`},
		{"service A { void f() }\nservice B extends A { void f() }", `e.thrift:2:23: function "f" of service "B" is already defined in the service "A" it extends`},
		{"service S { void f(), void f() }", `e.thrift:1:23: duplicate function "f" in service "S"; first at e.thrift:1:13`},
		{"service S { void f(1: i32 a, 1: i32 b) }", `e.thrift:1:30: duplicate field id 1 in the arguments of "f"; first used by "a" at e.thrift:1:20`},
		{"const i8 A = 128", "e.thrift:1:14: integer 128 is out of range for i8"},
		{"const i16 A = -32769", "e.thrift:1:15: integer -32769 is out of range for i16"},
		{"const i32 A = 2147483648", "e.thrift:1:15: integer 2147483648 is out of range for i32"},
		{`const i32 A = "x"`, `e.thrift:1:15: cannot use string "x" as i32`},
		{"typedef i32 T\nconst T A = 1.5", "e.thrift:2:13: cannot use double 1.5 as T"},
		{"const map<i32,i32> A = [1]", "e.thrift:1:24: cannot use list as map<i32,i32>"},
		{"const list<i32> A = {1: 2}", "e.thrift:1:21: cannot use map as list<i32>"},
		{"const list<i8> A = [1, 2, 300]", "e.thrift:1:27: integer 300 is out of range for i8"},
		{"enum E { A }\nconst E X = E.B", `e.thrift:2:13: enum "E" has no value "B"`},
		{"enum E { A }\nenum F { B }\nconst E X = F.B", `e.thrift:3:13: F.B is not a value of enum "E"`},
		{"enum E { A = 1 }\nconst E X = 2", `e.thrift:2:13: no value of enum "E" equals 2`},
		{"enum E { A }\nconst string W = E.A", "e.thrift:2:18: cannot use enum value E.A as string"},
		{`const double F = "x"`, `e.thrift:1:18: cannot use string "x" as double`},
		{"const bool B = 2", "e.thrift:1:16: cannot use integer 2 as bool"},
		{`const uuid U = "nope"`, `e.thrift:1:16: invalid uuid "nope"`},
		{"const i32 A = B", `e.thrift:1:15: unknown const "B"`},
		{"const i32 X = nope.A", `e.thrift:1:15: unknown const "nope.A": no include named "nope"`},
		{"const i32 A = B\nconst i32 B = A", "e.thrift:1:1: const cycle: A -> B -> A"},
		{"const i64 BIG = 300\nconst i8 SMALL = BIG", "e.thrift:2:18: cannot use BIG as i8: integer 300 is out of range for i8"},
		{"struct S { 1: i32 a }\nconst S X = {\"b\": 1}", `e.thrift:2:14: struct "S" has no field "b"`},
		{"struct S { 1: i32 a }\nconst S X = {1: 1}", `e.thrift:2:14: cannot use integer 1 as a field name of struct "S"`},
		{`struct S { 1: i32 a = "x" }`, `e.thrift:1:23: cannot use string "x" as i32`},
		{"union U { 1: i32 a = 1, 2: i32 b = 2 }", `e.thrift:1:25: union "U" has a second field with a default value; first is "a"`},
		{"const S A = 1", `e.thrift:1:7: unknown type "S"`},
		{"service X {}\nstruct S { 1: X x }", `e.thrift:2:15: "X" is a service, not a type`},
		{"const i32 C = 1\nstruct S { 1: C x }", `e.thrift:2:15: "C" is a const, not a type`},
		{
			"struct S { 1: A a, 2: B b }\nconst i8 X = 1000",
			"e.thrift:1:15: unknown type \"A\"\ne.thrift:1:23: unknown type \"B\"\ne.thrift:2:14: integer 1000 is out of range for i8",
		},
	}
	for _, tt := range tests {
		t.Run(tt.src[:min(len(tt.src), 30)], func(t *testing.T) {
			_, err := thriftidl.Parse("e.thrift", []byte(tt.src))
			require.NoError(t, err, "the syntax is right")
			_, err = loadFS(map[string]string{"e.thrift": tt.src}, "e.thrift")
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.ErrorIs(t, err, thriftidl.ErrResolve)
			assert.NotErrorIs(t, err, thriftidl.ErrSyntax)
		})
	}
}

// These are valid, some only because Apache is lenient about them.
func TestValidValues(t *testing.T) {
	for _, src := range []string{
		"const bool B = 1\nconst bool C = false",
		"const i32 A = true",
		"const double D = 1\nconst double E = -9223372036854775807",
		"const set<string> S = {}\nconst map<i32,i32> M = []",
		"enum E { A = 1 }\nconst E X = 1\nconst E Y = E.A\nconst i32 Z = E.A\nconst double W = E.A\nconst E V = Y",
		"enum E { A }\nenum F { B }\nconst E X = F.A", // Apache reads only the part after the dot
		"const uuid U = '{00112233-4455-6677-8899-aaBBccDDeeFF}'\nconst uuid V = '00000000-4444-CCCC-ffff-0123456789ab'",
		"typedef i8 T\nconst T X = 127\nconst T Y = X\nconst i64 Z = Y",
		"struct S { 1: list<i32> a, 2: map<string, S> b }\nconst S X = {'a': [1], 'b': {'k': {}}}",
		"const i32 A = B\nconst i32 B = 1", // used before it is defined
		"senum N { 'a' }\nconst N X = 'b'",
		"struct S { 1: i32 a } (x)\nconst list<S> L = [{'a': 1}, {}]",
	} {
		t.Run(src[:min(len(src), 30)], func(t *testing.T) {
			_, err := loadFS(map[string]string{"e.thrift": src}, "e.thrift")
			assert.NoError(t, err)
		})
	}
}

func TestErrorListCap(t *testing.T) {
	src := strings.Repeat("struct S { 1: i32 }\n", 30)
	_, err := thriftidl.Parse("e.thrift", []byte(src))
	var list thriftidl.ErrorList
	require.ErrorAs(t, err, &list)
	assert.Len(t, list, thriftidl.MaxErrors)

	src = strings.Repeat("struct S { 1: Nope a }\n", 30)
	_, err = loadFS(map[string]string{"e.thrift": src}, "e.thrift")
	require.ErrorAs(t, err, &list)
	assert.Len(t, list, thriftidl.MaxErrors)
}

func TestErrorTypes(t *testing.T) {
	_, err := thriftidl.Parse("e.thrift", []byte("struct {}\nenum {}"))
	var list thriftidl.ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list, 2)
	var first *thriftidl.Error
	require.ErrorAs(t, err, &first)
	assert.Equal(t, thriftidl.Pos{Filename: "e.thrift", Offset: 7, Line: 1, Col: 8}, first.Pos)
	assert.Equal(t, "expected struct name, found '{'", first.Msg)
	assert.Len(t, list.Unwrap(), 2)
	assert.True(t, errors.Is(list[1], thriftidl.ErrSyntax))

	assert.Equal(t, "-", thriftidl.Pos{}.String())
	assert.Equal(t, "a.thrift", thriftidl.Pos{Filename: "a.thrift"}.String())
	assert.Equal(t, "3:4", thriftidl.Pos{Line: 3, Col: 4}.String())
	assert.False(t, thriftidl.Pos{Filename: "a"}.IsValid())
}

func TestFileTooLarge(t *testing.T) {
	src := make([]byte, thriftidl.MaxFileSize+1)
	_, err := thriftidl.Parse("big.thrift", src)
	require.Error(t, err)
	assert.ErrorIs(t, err, thriftidl.ErrSyntax)
	assert.Equal(t, "big.thrift: file is larger than 16777216 bytes", err.Error())
	_, err = loadFS(map[string]string{"big.thrift": string(src)}, "big.thrift")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "big.thrift: cannot read file: file too large")
	assert.NotErrorIs(t, err, fs.ErrNotExist)
}

// Long chains are refused rather than walked at every use.
func TestChainLimits(t *testing.T) {
	var typedefs, services, consts strings.Builder
	for i := range 101 {
		fmt.Fprintf(&typedefs, "typedef T%d T%d\n", i, i+1)
		fmt.Fprintf(&services, "service S%d extends S%d {}\n", i+1, i)
	}
	typedefs.WriteString("typedef i32 T0\n")
	services.WriteString("service S0 {}\n")
	for i := range 1001 {
		fmt.Fprintf(&consts, "const i32 C%d = C%d\n", i, i+1)
	}
	consts.WriteString("const i32 C1001 = 1\n")
	tests := []struct {
		name, src, want string
	}{
		{"typedef", typedefs.String(), "e.thrift:100:1: typedef chain of T100 is longer than 100"},
		{"extends", services.String(), "e.thrift:100:22: service inheritance chain of S100 is longer than 100"},
		{"const", consts.String(), "e.thrift:1001:1: consts refer to consts more than 1000 deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadFS(map[string]string{"e.thrift": tt.src}, "e.thrift")
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}
