package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/cmd/volo/internal/cli"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const userIDL = "../../testdata/user.thrift"

// run runs the command line and returns its exit code and output.
func run(args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	code := cli.Run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestUsage(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // in stdout
		stderr string // in stderr
	}{
		{name: "no arguments", code: cli.ExitUsage, stderr: "Usage:\n\n\tvolo <command>"},
		{name: "help", args: []string{"help"}, code: cli.ExitOK, stdout: "\tvolo repo update [-C dir] [name]\n"},
		{name: "-h", args: []string{"-h"}, code: cli.ExitOK, stdout: "Commands:"},
		{name: "help init", args: []string{"help", "init"}, code: cli.ExitOK, stdout: "Usage: volo init [-o dir]"},
		{name: "help repo add", args: []string{"help", "repo", "add"}, code: cli.ExitOK, stdout: "  -g url\n"},
		{name: "help unknown", args: []string{"help", "nope"}, code: cli.ExitUsage, stderr: `volo help: unknown command "nope"`},
		{name: "init -h", args: []string{"init", "-h"}, code: cli.ExitOK, stdout: "  -no-replace\n"},
		{name: "gen -help", args: []string{"gen", "-help"}, code: cli.ExitOK, stdout: "  -import path\n"},
		{name: "idl add -h", args: []string{"idl", "add", "-h"}, code: cli.ExitOK, stdout: "  -repo name\n"},
		{name: "unknown command", args: []string{"build"}, code: cli.ExitUsage, stderr: `volo: unknown command "build"`},
		{name: "unknown subcommand", args: []string{"repo", "remove"}, code: cli.ExitUsage, stderr: `volo: unknown command "repo remove"`},
		{name: "unknown flag", args: []string{"init", "-x", "m", "a.thrift"}, code: cli.ExitUsage, stderr: "volo init: flag provided but not defined: -x\n\nUsage: volo init"},
		{name: "bad flag value", args: []string{"init", "-fastcodec=maybe", "m", "a.thrift"}, code: cli.ExitUsage, stderr: "invalid boolean value"},
		{name: "init arguments", args: []string{"init", "m"}, code: cli.ExitUsage, stderr: "volo init: want a module path and an IDL file, got 1 arguments\n\nUsage: volo init"},
		{name: "replace twice", args: []string{"init", "-replace", "x", "-no-replace", "m", "a.thrift"}, code: cli.ExitUsage, stderr: "exclude each other"},
		{name: "idl add arguments", args: []string{"idl", "add"}, code: cli.ExitUsage, stderr: "want one IDL file"},
		{name: "gen arguments", args: []string{"gen", "x"}, code: cli.ExitUsage, stderr: "unexpected arguments"},
		{name: "gen -idl without -out", args: []string{"gen", "-idl", "a.thrift", "-import", "x"}, code: cli.ExitUsage, stderr: "-idl needs -out and -import"},
		{name: "gen -out without -idl", args: []string{"gen", "-out", "x"}, code: cli.ExitUsage, stderr: "go with -idl"},
		{name: "gen -C and -idl", args: []string{"gen", "-C", "x", "-idl", "a.thrift", "-out", "o", "-import", "i"}, code: cli.ExitUsage, stderr: "exclude each other"},
		{name: "repo add without -g", args: []string{"repo", "add"}, code: cli.ExitUsage, stderr: "-g is required"},
		{name: "repo update arguments", args: []string{"repo", "update", "a", "b"}, code: cli.ExitUsage, stderr: "at most one repo name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(tt.args...)
			assert.Equal(t, tt.code, code)
			if tt.stdout != "" {
				assert.Contains(t, stdout, tt.stdout)
				assert.Empty(t, stderr)
			}
			if tt.stderr != "" {
				assert.Contains(t, stderr, tt.stderr)
				assert.Contains(t, stderr, "Usage")
				assert.Empty(t, stdout)
			}
		})
	}
}

func TestFailures(t *testing.T) {
	tmp := t.TempDir()
	bad := filepath.Join(tmp, "bad.thrift")
	require.NoError(t, os.WriteFile(bad, []byte("struct S {\n  1: strin s\n  2: Nope n\n}\n"), 0o644))
	existing := filepath.Join(tmp, "existing")
	require.NoError(t, os.MkdirAll(existing, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(existing, "go.mod"), []byte("module x\n"), 0o644))
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"missing idl", []string{"init", "-o", filepath.Join(tmp, "p1"), "-no-tidy", "example.com/x", filepath.Join(tmp, "nope.thrift")},
			"volo: idl file not found: " + filepath.Join(tmp, "nope.thrift") + "\n"},
		// Positioned errors as thriftidl prints them, one per line,
		// without a prefix, for editors.
		{"bad idl", []string{"init", "-o", filepath.Join(tmp, "p2"), "example.com/x", bad},
			bad + ":2:6: unknown type \"strin\"\n" + bad + ":3:6: unknown type \"Nope\"\n"},
		{"existing project", []string{"init", "-o", existing, "example.com/x", userIDL},
			"volo: a project exists already: " + filepath.Join(existing, "go.mod") + "\n"},
		{"no project", []string{"gen", "-C", tmp}, "volo: no volo.yml found in " + tmp + "\n"},
		{"bad idl without a project", []string{"gen", "-idl", bad, "-out", tmp, "-import", "x"},
			bad + ":2:6: unknown type \"strin\"\n" + bad + ":3:6: unknown type \"Nope\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(tt.args...)
			assert.Equal(t, cli.ExitFailure, code)
			assert.Equal(t, tt.stderr, stderr)
		})
	}
}

// Init, idl add and gen through the command line, flags after the
// arguments included.
func TestCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	code, stdout, stderr := run("init", "example.com/user", userIDL, "-o", dir, "-no-tidy", "-replace", "../../../..")
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Contains(t, stdout, "created module example.com/user in "+dir)
	assert.Contains(t, stdout, "done: cd "+dir+" && go run ./cmd/server, then go run ./cmd/client\n")
	assert.Contains(t, readFile(t, filepath.Join(dir, "go.mod")), "replace (")

	extra := filepath.Join(t.TempDir(), "ping.thrift")
	require.NoError(t, os.WriteFile(extra, []byte("namespace go ping\nservice Ping { void ping() }\n"), 0o644))
	code, stdout, stderr = run("idl", "add", "-C", dir, "-fastcodec", extra)
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Contains(t, stdout, "wrote "+filepath.Join(dir, "gen", "ping", "ping.go"))
	assert.Contains(t, readFile(t, filepath.Join(dir, "volo.yml")), "  - path: idl/ping.thrift\n    fastcodec: true\n")

	proxy := filepath.Join(t.TempDir(), "relay.thrift")
	require.NoError(t, os.WriteFile(proxy, []byte("namespace go relay\nstruct Msg { 1: string body }\n"), 0o644))
	code, _, stderr = run("idl", "add", "-C", dir, "-unknown-fields", proxy)
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Contains(t, readFile(t, filepath.Join(dir, "volo.yml")), "  - path: idl/relay.thrift\n    unknown_fields: true\n")
	assert.Contains(t, readFile(t, filepath.Join(dir, "gen", "relay", "relay.go")), "unknownFields []byte")

	code, stdout, stderr = run("gen", "-C", dir)
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Empty(t, stdout)

	// Without -C, gen finds the project from a directory inside it.
	t.Chdir(filepath.Join(dir, "gen"))
	require.NoError(t, os.Remove(filepath.Join(dir, "gen", "ping", "ping.go")))
	code, stdout, stderr = run("gen")
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.Equal(t, "wrote "+filepath.Join("..", "gen", "ping", "ping.go")+"\n", stdout)
}

// Without -no-replace, a volo built from a clone replaces volo's modules
// with it, and says so.
func TestInitReplacesFromClone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	code, stdout, stderr := run("init", "-o", dir, "-no-tidy", "example.com/user", userIDL)
	require.Equal(t, cli.ExitOK, code, stderr)
	root, err := filepath.Abs("../../../..")
	require.NoError(t, err)
	assert.Contains(t, stdout, "go.mod replaces volo's modules, which are not published yet, with the clone at "+root+"\n")
	assert.Contains(t, stdout, "(the clone is the one this volo was built from; -no-replace leaves go.mod without it)\n")
	assert.Contains(t, readFile(t, filepath.Join(dir, "go.mod")), "github.com/govolo/volo/volo => "+filepath.ToSlash(filepath.Join(root, "volo")))

	dir = filepath.Join(t.TempDir(), "p")
	code, stdout, stderr = run("init", "-o", dir, "-no-tidy", "-no-replace", "example.com/user", userIDL)
	require.Equal(t, cli.ExitOK, code, stderr)
	assert.NotContains(t, stdout, "clone")

	// A failed init says nothing of a clone.
	code, stdout, _ = run("init", "-o", t.TempDir(), "example.com/user", "missing.thrift")
	assert.Equal(t, cli.ExitFailure, code)
	assert.NotContains(t, stdout, "clone")
	assert.NotContains(t, readFile(t, filepath.Join(dir, "go.mod")), "replace")
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}
