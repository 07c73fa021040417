package project_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/cmd/volo/internal/project"
)

func TestOpenConfig(t *testing.T) {
	sha := strings.Repeat("a", 40)
	tests := []struct {
		name string
		yml  string
		want string // in the error; "" for none
	}{
		{"minimal", "idls:\n  - path: a.thrift\n", ""},
		{"empty", "", ""},
		{"repo entry", "repos:\n  r:\n    url: file:///x\n    ref: main\n    commit: " + sha + "\nidls:\n  - repo: r\n    path: a/b.thrift\n    includes: [a]\n", ""},
		{"not yaml", "idls: [", "yaml"},
		{"unknown field", "idls:\n  - path: a.thrift\n    fast: true\n", "field fast not found"},
		{"no path", "idls:\n  - fastcodec: true\n", "idl entry 1 has no path"},
		{"path outside", "idls:\n  - path: ../a.thrift\n", "not inside the project"},
		{"absolute path", "idls:\n  - path: /a.thrift\n", "not inside the project"},
		{"twice", "idls:\n  - path: a.thrift\n  - path: a.thrift\n", "listed twice"},
		{"unknown repo", "idls:\n  - repo: r\n    path: a.thrift\n", "unknown repo"},
		{"bad output", "output: ../x\n", "output"},
		{"bad include", "idls:\n  - path: a.thrift\n    includes: [../x]\n", "include directory"},
		{"repo without url", "repos:\n  r:\n    commit: " + sha + "\n", "has no url"},
		{"short commit", "repos:\n  r:\n    url: file:///x\n    commit: abc\n", "not a full SHA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			put(t, filepath.Join(dir, "go.mod"), "module example.com/m // a comment\n\ngo 1.25.0\n")
			put(t, filepath.Join(dir, "volo.yml"), tt.yml)
			p, err := project.Open(dir, nil)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Equal(t, "example.com/m", p.Module)
				assert.Equal(t, "gen", p.Config.Output)
				return
			}
			require.ErrorIs(t, err, project.ErrConfig)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := project.Open(dir, nil)
	assert.ErrorIs(t, err, project.ErrNoProject)

	put(t, filepath.Join(dir, "volo.yml"), "idls: []\n")
	_, err = project.Open(dir, nil)
	assert.ErrorIs(t, err, project.ErrConfig, "no go.mod")

	put(t, filepath.Join(dir, "go.mod"), "go 1.25.0\n")
	_, err = project.Open(dir, nil)
	assert.ErrorIs(t, err, project.ErrConfig, "no module directive")

	require.NoError(t, os.Chmod(filepath.Join(dir, "volo.yml"), 0o000))
	if _, rerr := os.ReadFile(filepath.Join(dir, "volo.yml")); rerr != nil {
		_, err = project.Open(dir, nil)
		assert.ErrorIs(t, err, project.ErrConfig, "unreadable")
	}
}
