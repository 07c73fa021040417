package project_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/cmd/volo/internal/project"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// userIDL is the end-to-end test's IDL, which includes common/base.thrift.
const userIDL = "../../testdata/user.thrift"

// newProject creates a project from userIDL in a new directory, without
// go mod tidy, and returns it with what Init printed.
func newProject(t *testing.T) (*project.Project, string) {
	t.Helper()
	var out bytes.Buffer
	p, err := project.Init(context.Background(), project.InitOptions{
		Dir: filepath.Join(t.TempDir(), "p"), Module: "example.com/user", IDL: userIDL, NoTidy: true,
	}, &out)
	require.NoError(t, err)
	return p, out.String()
}

// put writes a file, creating its directory.
func put(t *testing.T, name, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
	require.NoError(t, os.WriteFile(name, []byte(content), 0o644))
}

// read returns a file's contents.
func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// tree returns the files under dir, slash-separated and relative, with
// their contents; .volo is left out.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	require.NoError(t, filepath.WalkDir(dir, func(name string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".volo" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(dir, name)
		out[filepath.ToSlash(rel)] = read(t, name)
		return nil
	}))
	return out
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
