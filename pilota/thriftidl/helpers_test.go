package thriftidl_test

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/thriftidl"
)

func mustParse(t *testing.T, src string) *thriftidl.File {
	t.Helper()
	f, err := thriftidl.Parse("test.thrift", []byte(src))
	require.NoError(t, err)
	return f
}

// loadFS loads main from an in-memory file system holding files.
func loadFS(files map[string]string, main string, opts ...thriftidl.Option) (*thriftidl.Program, error) {
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return thriftidl.Load(main, append([]thriftidl.Option{thriftidl.WithFS(fsys)}, opts...)...)
}

func mustLoad(t *testing.T, src string) *thriftidl.File {
	t.Helper()
	p, err := loadFS(map[string]string{"test.thrift": src}, "test.thrift")
	require.NoError(t, err)
	return p.Main
}
