package project_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/cmd/volo/internal/project"
)

// An IDL outside the project whose include is found through -I is copied
// with the include directory, keeping their layout, and regenerates from
// the copy.
func TestAddIDLWithIncludeDir(t *testing.T) {
	p, _ := newProject(t)
	ext := t.TempDir()
	put(t, filepath.Join(ext, "api", "order.thrift"), "namespace go order\ninclude \"shared/money.thrift\"\nstruct Order { 1: money.Money total }\nservice Orders { Order get(1: i64 id) }\n")
	put(t, filepath.Join(ext, "inc", "shared", "money.thrift"), "namespace go order.money\nstruct Money { 1: i64 cents }\n")
	var out bytes.Buffer
	p = reopen(t, p, &out)
	err := p.AddIDL(context.Background(), project.AddOptions{
		IDL: filepath.Join(ext, "api", "order.thrift"), Includes: []string{filepath.Join(ext, "inc"), filepath.Join(ext, "unused")}, FastCodec: true,
	})
	require.NoError(t, err)
	files := tree(t, p.Dir)
	assert.Equal(t, read(t, filepath.Join(ext, "api", "order.thrift")), files["idl/api/order.thrift"])
	assert.Equal(t, read(t, filepath.Join(ext, "inc", "shared", "money.thrift")), files["idl/inc/shared/money.thrift"])
	for _, f := range []string{"gen/order/order.go", "gen/order/order_fastcodec.go", "gen/order/money/money.go", "gen/user/user.go"} {
		assert.Contains(t, files, f)
	}
	want := &project.Entry{Path: "idl/api/order.thrift", Includes: []string{"idl/inc"}, FastCodec: true}
	assert.Equal(t, want, p.Config.IDLs[1])
	assert.Contains(t, files["volo.yml"], "  - path: idl/api/order.thrift\n    includes:\n      - idl/inc\n    fastcodec: true\n")
	assert.Contains(t, out.String(), "added idl/api/order.thrift to ")

	// From the copies, volo gen changes nothing.
	out.Reset()
	require.NoError(t, reopen(t, p, &out).Gen(context.Background()))
	assert.Empty(t, out.String())
	assert.Equal(t, files, tree(t, p.Dir))
}

// An IDL inside the project stays where it is.
func TestAddIDLInProject(t *testing.T) {
	p, _ := newProject(t)
	put(t, filepath.Join(p.Dir, "api", "ping.thrift"), "namespace go ping\nservice Ping { void ping() }\n")
	p = reopen(t, p, nil)
	require.NoError(t, p.AddIDL(context.Background(), project.AddOptions{IDL: filepath.Join(p.Dir, "api", "ping.thrift")}))
	assert.Equal(t, &project.Entry{Path: "api/ping.thrift"}, p.Config.IDLs[1])
	assert.FileExists(t, filepath.Join(p.Dir, "gen", "ping", "ping.go"))
	assert.NoFileExists(t, filepath.Join(p.Dir, "idl", "ping.thrift"))
}

func TestAddIDLErrors(t *testing.T) {
	ext := t.TempDir()
	bad := filepath.Join(ext, "bad.thrift")
	put(t, bad, "service S {\n  void f(1: Nope n)\n}\n")
	// Another common/base.thrift: its copy would overwrite the project's.
	put(t, filepath.Join(ext, "x", "other.thrift"), "include \"common/base.thrift\"\n")
	put(t, filepath.Join(ext, "x", "common", "base.thrift"), "struct Other {}\n")
	// A file that generates gen/user/base/base.go differently.
	put(t, filepath.Join(ext, "y", "base.thrift"), "namespace go user.base\nstruct Different {}\n")
	tests := []struct {
		name string
		o    project.AddOptions
		want error
		text string
	}{
		{"duplicate", project.AddOptions{IDL: userIDL}, project.ErrDuplicate, "already in volo.yml: idl/user.thrift; edit its entry there"},
		{"missing", project.AddOptions{IDL: filepath.Join(ext, "nope.thrift")}, project.ErrNoIDL, "idl file not found: " + filepath.Join(ext, "nope.thrift")},
		{"bad idl", project.AddOptions{IDL: bad}, project.ErrBadIDL, bad + `:2:13: unknown type "Nope"`},
		{"copy conflict", project.AddOptions{IDL: filepath.Join(ext, "x", "other.thrift")}, project.ErrConflict, ""},
		{"generated conflict", project.AddOptions{IDL: filepath.Join(ext, "y", "base.thrift")}, project.ErrConflict, ""},
		{"unknown repo", project.AddOptions{IDL: "a.thrift", Repo: "nope"}, project.ErrUnknownRepo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := newProject(t)
			before := tree(t, p.Dir)
			p = reopen(t, p, nil)
			err := p.AddIDL(context.Background(), tt.o)
			require.ErrorIs(t, err, tt.want)
			if tt.text != "" {
				assert.Equal(t, tt.text, err.Error())
			}
			assert.Equal(t, before, tree(t, p.Dir), "nothing changes")
			assert.Len(t, p.Config.IDLs, 1)
		})
	}
}
