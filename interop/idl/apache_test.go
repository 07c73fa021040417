package idl_test

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/thriftidl"
)

// apacheTestDir returns the test directory of the apache/thrift module
// this module requires, downloading the module if it is not cached.
func apacheTestDir(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", "github.com/apache/thrift")
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.Output()
	require.NoError(t, err, "go mod download github.com/apache/thrift")
	var mod struct{ Dir, Error string }
	require.NoError(t, json.Unmarshal(out, &mod))
	require.Empty(t, mod.Error)
	require.NotEmpty(t, mod.Dir)
	return filepath.Join(mod.Dir, "test")
}

// broken lists the files Apache keeps invalid on purpose, with the error
// each must give.
var broken = map[string]struct {
	why  string
	want []string // "line:col: message", each error in order
}{
	"BrokenConstants.thrift": {
		why: "Apache's compiler must reject it: an integer above 2^63 and a 64-bit enum value",
		want: []string{
			"21:20: integer constant 9876543210987654321 is too big",
			"24:9: enum value 68719476736 is out of range for i32",
		},
	},
}

func TestApacheTestIDLs(t *testing.T) {
	dir := apacheTestDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.thrift"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 30, "Apache ships about thirty test IDLs")
	seen := map[string]bool{}
	for _, file := range files {
		name := filepath.Base(file)
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			p, err := thriftidl.Load(file, thriftidl.WithIncludeDirs(dir))
			b, isBroken := broken[name]
			if !isBroken {
				require.NoError(t, err)
				assert.Same(t, p.Main, p.Files[len(p.Files)-1])
				return
			}
			require.Error(t, err, b.why)
			var list thriftidl.ErrorList
			require.True(t, errors.As(err, &list))
			require.Len(t, list, len(b.want), "%v", err)
			for i, e := range list {
				assert.Equal(t, file+":"+b.want[i], e.Error())
			}
		})
	}
	for name := range broken {
		assert.True(t, seen[name], "%s is no longer in Apache's tests", name)
	}
}

// Spot checks that the AST holds what the files say.
func TestApacheTestIDLContents(t *testing.T) {
	dir := apacheTestDir(t)
	load := func(name string) *thriftidl.Program {
		t.Helper()
		p, err := thriftidl.Load(filepath.Join(dir, name), thriftidl.WithIncludeDirs(dir))
		require.NoError(t, err)
		return p
	}

	tt := load("ThriftTest.thrift").Main
	assert.Equal(t, "thrifttest", tt.Namespace("go"))
	assert.Equal(t, "thrift.test", tt.Namespace("java"))
	var svc *thriftidl.Service
	for _, s := range tt.Services {
		if s.Name == "ThriftTest" {
			svc = s
		}
	}
	require.NotNil(t, svc)
	assert.Equal(t, "testVoid", svc.Functions[0].Name)
	assert.Nil(t, svc.Functions[0].Result)
	var oneway *thriftidl.Function
	for _, fn := range svc.Functions {
		if fn.Oneway {
			oneway = fn
		}
	}
	require.NotNil(t, oneway)
	assert.Equal(t, "testOneway", oneway.Name)

	inc := load("Include.thrift")
	require.Len(t, inc.Files, 2)
	assert.Equal(t, filepath.Join(dir, "v0.16", "ThriftTest.thrift"), inc.Files[0].Path)
	bools := inc.Main.Structs[0].Fields[0].Type
	assert.Equal(t, "ThriftTest.Bools", bools.Name)
	assert.Same(t, inc.Files[0], bools.RefFile)

	doc := load("DocTest.thrift").Main
	assert.True(t, strings.HasPrefix(doc.Doc, "Program doctext."), doc.Doc)
	assert.Equal(t, "Some doc text goes here.  Wow I am [nesting these] (no more nesting.)", doc.Enums[0].Doc)
	assert.Equal(t, "This is how to document a parameter", doc.Enums[0].Values[0].Doc)

	svcFile := load("Service.thrift")
	require.Len(t, svcFile.Files, 2, "Service.thrift includes another file")
}
