package gen_test

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/thriftidl"
)

var update = flag.Bool("update", false, "rewrite the golden files with what the generator writes")

// The golden packages are real packages of the volo module, so that the
// CI builds, vets and lints them, and volo's tests run them.
const (
	goldenRoot   = "../../volo/thrift/thrifttest"
	goldenImport = "github.com/govolo/volo/volo/thrift/thrifttest"
)

func generate(t *testing.T, idl string, opts ...gen.Option) []gen.File {
	t.Helper()
	prog, err := thriftidl.Load(idl)
	require.NoError(t, err)
	files, err := gen.Generate(prog, goldenImport, opts...)
	require.NoError(t, err)
	return files
}

// check compares a generated file with its golden copy, or rewrites the
// copy with -update.
func check(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to write it")
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from what the generator writes (go test -update rewrites it):\n%s", path, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first lines where two texts part.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n- " + w + "\n+ " + g
		}
	}
	return ""
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		idl  string
		opts []gen.Option
	}{
		{"echo/echo.thrift", nil},
		{"golden/kinds.thrift", nil},
		{"golden/proxy.thrift", []gen.Option{gen.WithUnknownFields(true)}},
	} {
		files := generate(t, filepath.Join(goldenRoot, tc.idl), tc.opts...)
		for _, f := range files {
			check(t, filepath.Join(goldenRoot, f.Path), f.Content)
		}
	}
}

// With WithFastCodec, a second file completes gopkg's FastCodec.
func TestGoldenFastCodec(t *testing.T) {
	files := generate(t, filepath.Join(goldenRoot, "echo/echo.thrift"), gen.WithFastCodec(true))
	require.Len(t, files, 2)
	plain := generate(t, filepath.Join(goldenRoot, "echo/echo.thrift"))
	assert.Equal(t, plain[0].Content, files[0].Content, "the main file is the same")
	assert.Equal(t, "echo/echo_fastcodec.go", files[1].Path)
	check(t, "testdata/echo_fastcodec.go.golden", files[1].Content)
}

func TestDeterministic(t *testing.T) {
	a := generate(t, filepath.Join(goldenRoot, "golden/kinds.thrift"), gen.WithFastCodec(true))
	for range 5 {
		b := generate(t, filepath.Join(goldenRoot, "golden/kinds.thrift"), gen.WithFastCodec(true))
		require.Equal(t, len(a), len(b))
		for i := range a {
			assert.Equal(t, a[i].Path, b[i].Path)
			assert.Equal(t, string(a[i].Content), string(b[i].Content))
		}
	}
}

func load(t *testing.T, files map[string]string) *thriftidl.Program {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	prog, err := thriftidl.Load("main.thrift", thriftidl.WithFS(fsys))
	require.NoError(t, err)
	return prog
}

func TestNameCollision(t *testing.T) {
	prog := load(t, map[string]string{"main.thrift": `
struct Echo {}
struct NewEcho {}
`})
	_, err := gen.Generate(prog, "example.com/gen")
	require.ErrorIs(t, err, gen.ErrGenerate)
	assert.Equal(t, "main.thrift:3:1: Go name NewEcho of NewEcho is taken already, by the definition at main.thrift:2:1", err.Error())

	// Two files of one namespace share a package, and its names.
	prog = load(t, map[string]string{
		"main.thrift":  "namespace go same\ninclude \"other.thrift\"\nservice Svc {}\n",
		"other.thrift": "namespace go same\nstruct SvcClient {}\n",
	})
	_, err = gen.Generate(prog, "example.com/gen")
	var ge *gen.Error
	require.True(t, errors.As(err, &ge), "%v", err)
	assert.Equal(t, "main.thrift", ge.Pos.Filename)
	assert.Contains(t, ge.Msg, "SvcClient")
}

func TestNilProgram(t *testing.T) {
	_, err := gen.Generate(nil, "example.com/gen")
	assert.ErrorIs(t, err, gen.ErrGenerate)
}

// Namespaces become directories and the last part the package name; a
// file without one is named after the file.
func TestPackages(t *testing.T) {
	prog := load(t, map[string]string{
		"main.thrift":  "namespace go a.b.svc\ninclude \"plain.thrift\"\nstruct S { 1: plain.P p }\n",
		"plain.thrift": "struct P {}\n",
	})
	files, err := gen.Generate(prog, "example.com/gen/")
	require.NoError(t, err)
	require.Len(t, files, 2)
	assert.Equal(t, "a/b/svc/main.go", files[0].Path)
	assert.Equal(t, "example.com/gen/a/b/svc", files[0].Package)
	assert.Contains(t, string(files[0].Content), "package svc\n")
	assert.Contains(t, string(files[0].Content), "\"example.com/gen/plain\"")
	assert.Equal(t, "plain/plain.go", files[1].Path)
	assert.Contains(t, string(files[1].Content), "// Package plain is generated from plain.thrift.\npackage plain\n")
}

// With WithUnknownFields, structs keep what they do not know and write it
// again; the output differs from the default only there.
func TestGoldenUnknownFields(t *testing.T) {
	files := generate(t, filepath.Join(goldenRoot, "echo/echo.thrift"), gen.WithUnknownFields(true))
	require.Len(t, files, 1)
	src := string(files[0].Content)
	assert.Contains(t, src, "unknownFields []byte")
	assert.Contains(t, src, "d.KeepField(p.unknownFields, t, id)")
	assert.Contains(t, src, "b = append(b, p.unknownFields...)")
	assert.Contains(t, src, "n += len(p.unknownFields)")
}
