package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		cleanBinary()
		os.Exit(code)
	}))
}

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildOut  []byte
)

// binary builds the volo command once for the package's tests and
// returns its path.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "volo-test-")
		if buildErr != nil {
			return
		}
		name := filepath.Join(buildDir, "volo")
		cmd := exec.Command("go", "build", "-o", name, ".")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	require.NoError(t, buildErr, "go build: %s", buildOut)
	return filepath.Join(buildDir, "volo")
}

// cleanBinary removes the built command when the package's tests are
// done.
func cleanBinary() {
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
}

// runVolo runs the built command in dir and returns its exit code and
// output.
func runVolo(t *testing.T, dir string, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, stdout.String(), stderr.String()
}

// The binary's exit codes and streams, as a shell sees them.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the command")
	}
	tmp := t.TempDir()
	userIDL := mustAbs(t, "testdata/user.thrift")
	bad := filepath.Join(tmp, "bad.thrift")
	require.NoError(t, os.WriteFile(bad, []byte("service S {\n  void f(1: Nope n)\n  i32 f()\n}\n"), 0o644))
	out := filepath.Join(tmp, "out")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"help", []string{"help"}, 0, "Commands:", ""},
		{"gen -h", []string{"gen", "-h"}, 0, "Usage: volo gen", ""},
		{"no command", nil, 2, "", "Usage:"},
		{"unknown command", []string{"frob"}, 2, "", "volo: unknown command \"frob\""},
		{"unknown flag", []string{"gen", "-frob"}, 2, "", "flag provided but not defined: -frob"},
		{"bad idl", []string{"gen", "-idl", "bad.thrift", "-out", out, "-import", "example.com/x"}, 1, "",
			"bad.thrift:2:13: unknown type \"Nope\"\nbad.thrift:3:3: duplicate function \"f\" in service \"S\"; first at bad.thrift:2:3\n"},
		{"missing idl", []string{"init", "-no-replace", "-o", filepath.Join(tmp, "p"), "example.com/x", "nope.thrift"}, 1, "", "volo: idl file not found: nope.thrift\n"},
		{"gen without a project", []string{"gen", "-idl", userIDL, "-out", out, "-import", "example.com/x"}, 0, "wrote " + filepath.Join(out, "user", "user.go"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runVolo(t, tmp, nil, tt.args...)
			assert.Equal(t, tt.code, code, "stderr: %s", stderr)
			if tt.stdout == "" {
				assert.Empty(t, stdout)
			} else {
				assert.Contains(t, stdout, tt.stdout)
			}
			if tt.stderr == "" {
				assert.Empty(t, stderr)
			} else {
				assert.Contains(t, stderr, tt.stderr)
			}
		})
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	require.NoError(t, err)
	return abs
}
