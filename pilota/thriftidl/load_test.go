package thriftidl_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/thriftidl"
)

func paths(p *thriftidl.Program) []string {
	var ps []string
	for _, f := range p.Files {
		ps = append(ps, f.Path)
	}
	return ps
}

func TestLoadIncludes(t *testing.T) {
	files := map[string]string{
		"main.thrift": `include "shared.thrift"
include "sub/types.thrift"
struct Main {
  1: shared.Shared s
  2: types.Thing t
  3: list<types.Kind> kinds = [types.Kind.B, shared.ONE]
}
service S extends shared.Base {}`,
		"shared.thrift": `enum E { X }
const i32 ONE = 1
struct Shared {}
service Base { void ping() }`,
		"sub/types.thrift": `include "../shared.thrift"
enum Kind { A, B }
typedef shared.Shared Thing`,
	}
	p, err := loadFS(files, "main.thrift")
	require.NoError(t, err)
	assert.Equal(t, []string{"shared.thrift", "sub/types.thrift", "main.thrift"}, paths(p))
	main, shared, types := p.Files[2], p.Files[0], p.Files[1]
	assert.Same(t, main, p.Main)
	assert.Same(t, shared, main.Includes[0].File)
	assert.Same(t, shared, types.Includes[0].File, "a file included twice is loaded once")

	fs := main.Structs[0].Fields
	assert.Same(t, shared.Structs[0], fs[0].Type.Ref)
	assert.Same(t, shared, fs[0].Type.RefFile)
	thing := fs[1].Type
	assert.Same(t, types.Typedefs[0], thing.Ref)
	assert.Same(t, shared.Structs[0], thing.Underlying().Ref, "Underlying follows the typedef across files")
	assert.Same(t, shared.Structs[0], thing.Struct())
	assert.Same(t, types.Enums[0], fs[2].Type.Elem.Enum())
	kinds := fs[2].Default.List
	assert.Same(t, types.Enums[0].Values[1], kinds[0].RefEnumValue)
	assert.Same(t, types, kinds[0].RefFile)
	assert.Same(t, shared.Consts[0], kinds[1].RefConst)
	assert.Same(t, shared.Services[0], main.Services[0].ExtendsRef)
}

func TestLoadDiamond(t *testing.T) {
	files := map[string]string{
		"top.thrift":   "include \"left.thrift\"\ninclude \"right.thrift\"\nstruct T { 1: left.L l, 2: right.R r }",
		"left.thrift":  "include \"base.thrift\"\nstruct L { 1: base.B b }",
		"right.thrift": "include \"base.thrift\"\nstruct R { 1: base.B b }",
		"base.thrift":  "struct B {}",
	}
	for range 3 { // the order is the same every time
		p, err := loadFS(files, "top.thrift")
		require.NoError(t, err)
		assert.Equal(t, []string{"base.thrift", "left.thrift", "right.thrift", "top.thrift"}, paths(p))
		l, r := p.Files[1].Structs[0].Fields[0].Type.Ref, p.Files[2].Structs[0].Fields[0].Type.Ref
		assert.Same(t, l, r)
	}
}

func TestLoadCycles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"self", map[string]string{"a.thrift": `include "a.thrift"`},
			"a.thrift:1:1: include cycle: a.thrift -> a.thrift"},
		{"two", map[string]string{"a.thrift": `include "b.thrift"`, "b.thrift": "\ninclude \"a.thrift\""},
			"b.thrift:2:1: include cycle: a.thrift -> b.thrift -> a.thrift"},
		{"three", map[string]string{
			"a.thrift": `include "b.thrift"`,
			"b.thrift": `include "c.thrift"`,
			"c.thrift": `include "./b.thrift"`,
		}, "c.thrift:1:1: include cycle: b.thrift -> c.thrift -> b.thrift"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadFS(tt.files, "a.thrift")
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.ErrorIs(t, err, thriftidl.ErrResolve)
		})
	}
}

func TestLoadIncludeDirs(t *testing.T) {
	files := map[string]string{
		"idl/main.thrift":    `include "common.thrift"` + "\n" + `include "deep/x.thrift"` + "\nstruct M { 1: common.C c, 2: x.X x }",
		"inc1/common.thrift": "struct C {}",
		"inc2/common.thrift": "this is never read",
		"inc2/deep/x.thrift": "struct X {}",
	}
	p, err := loadFS(files, "idl/main.thrift", thriftidl.WithIncludeDirs("inc1"), thriftidl.WithIncludeDirs("inc2"))
	require.NoError(t, err)
	assert.Equal(t, []string{"inc1/common.thrift", "inc2/deep/x.thrift", "idl/main.thrift"}, paths(p))

	// Next to the including file comes first.
	files["idl/common.thrift"] = "struct C { 1: i32 near }"
	p, err = loadFS(files, "idl/main.thrift", thriftidl.WithIncludeDirs("inc1", "inc2"))
	require.NoError(t, err)
	assert.Equal(t, "idl/common.thrift", p.Files[0].Path)

	// An absolute include is relative to the root of the fs.FS.
	files["idl/main.thrift"] = `include "/inc1/common.thrift"` + "\nstruct M { 1: common.C c }"
	p, err = loadFS(files, "idl/main.thrift")
	require.NoError(t, err)
	assert.Equal(t, "inc1/common.thrift", p.Files[0].Path)
}

func TestLoadNotFound(t *testing.T) {
	_, err := loadFS(map[string]string{"a.thrift": "\n  include \"missing.thrift\""}, "a.thrift", thriftidl.WithIncludeDirs("x"))
	require.Error(t, err)
	assert.Equal(t, `a.thrift:2:3: cannot find include "missing.thrift"`, err.Error())
	assert.ErrorIs(t, err, fs.ErrNotExist)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "missing.thrift", pe.Path)

	_, err = loadFS(map[string]string{"b.thrift": "x"}, "a.thrift")
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, "a.thrift: cannot read file: file does not exist", err.Error())

	_, err = loadFS(map[string]string{"a.thrift": `include "../../etc/passwd"`}, "a.thrift")
	assert.ErrorIs(t, err, fs.ErrNotExist, "an fs.FS cannot be left")
}

func TestLoadReportsEveryFile(t *testing.T) {
	files := map[string]string{
		"a.thrift": "include \"b.thrift\"\nstruct A {",
		"b.thrift": "struct B { 1: i32 }",
	}
	_, err := loadFS(files, "a.thrift")
	require.Error(t, err)
	assert.Equal(t, "a.thrift:2:11: expected type, found end of file\nb.thrift:1:19: expected field name, found '}'", err.Error())
	assert.ErrorIs(t, err, thriftidl.ErrSyntax)
}

func TestLoadPrefixes(t *testing.T) {
	files := map[string]string{
		"a.thrift":         "include \"b.thrift\"\nstruct A { 1: c.C x }",
		"b.thrift":         "include \"c.thrift\"\nstruct B { 1: c.C x }",
		"c.thrift":         "struct C {}",
		"dotted.v2.thrift": "struct D {}\nconst i32 K = 1",
		"d.thrift":         "include \"dotted.v2.thrift\"\nstruct U { 1: dotted.v2.D d = {} }\nconst i32 K2 = dotted.v2.K",
		"dup.thrift":       "include \"c.thrift\"\ninclude \"x/c.thrift\"",
		"x/c.thrift":       "",
	}
	_, err := loadFS(files, "a.thrift")
	require.Error(t, err)
	assert.Equal(t, `a.thrift:2:15: unknown type "c.C": no include named "c"`, err.Error(), "includes are not transitive")

	p, err := loadFS(files, "d.thrift")
	require.NoError(t, err)
	assert.Equal(t, "dotted.v2", p.Main.Includes[0].Name)
	assert.Equal(t, int64(1), p.Main.Consts[0].Value.Resolved().Int)

	_, err = loadFS(files, "dup.thrift")
	require.Error(t, err)
	assert.Equal(t, `dup.thrift:2:1: include "x/c.thrift" has the same name "c" as include "c.thrift"`, err.Error())
}

func TestLoadOS(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	}
	write("idl/main.thrift", "include \"shared.thrift\"\ninclude \"lib.thrift\"\nstruct M { 1: shared.S s, 2: lib.L l }")
	write("idl/shared.thrift", "struct S {}")
	write("inc/lib.thrift", "include \"shared.thrift\"\nstruct L {}") // next to lib.thrift comes first
	write("inc/shared.thrift", "struct S {}")
	p, err := thriftidl.Load(filepath.Join(dir, "idl", "main.thrift"), thriftidl.WithIncludeDirs(filepath.Join(dir, "inc")))
	require.NoError(t, err)
	var rel []string
	for _, f := range p.Files {
		r, err := filepath.Rel(dir, f.Path)
		require.NoError(t, err)
		rel = append(rel, filepath.ToSlash(r))
	}
	assert.Equal(t, []string{"idl/shared.thrift", "inc/shared.thrift", "inc/lib.thrift", "idl/main.thrift"}, rel)

	_, err = thriftidl.Load(filepath.Join(dir, "nope.thrift"))
	assert.True(t, errors.Is(err, fs.ErrNotExist))

	write("bad/a.thrift", "include \"b.thrift\"")
	_, err = thriftidl.Load(filepath.Join(dir, "bad", "a.thrift"))
	require.Error(t, err)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Contains(t, err.Error(), filepath.Join(dir, "bad", "a.thrift")+`:1:1: cannot find include "b.thrift"`)
}

func TestLoadNilOption(t *testing.T) {
	_, err := loadFS(map[string]string{"a.thrift": ""}, "a.thrift", nil)
	assert.NoError(t, err)
}
