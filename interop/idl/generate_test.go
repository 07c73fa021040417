package idl_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/thriftidl"
)

// repoRoot is the repository's root, from this package's directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(root, "volo", "go.mod"))
	require.NoError(t, err, "the test runs from interop/idl of a clone of the repository")
	return root
}

// Every valid Apache test IDL generates Go that compiles and passes go vet
// and staticcheck: all of them, with the gopkg FastCodec file, in one
// module built against this repository's volo.
func TestApacheTestIDLsGenerateCodeThatCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module of generated code")
	}
	dir := apacheTestDir(t)
	idls, err := filepath.Glob(filepath.Join(dir, "*.thrift"))
	require.NoError(t, err)
	mod := t.TempDir()
	var generated int
	for _, idl := range idls {
		name := filepath.Base(idl)
		if _, isBroken := broken[name]; isBroken {
			continue
		}
		prog, err := thriftidl.Load(idl, thriftidl.WithIncludeDirs(dir))
		require.NoError(t, err, name)
		// Each IDL under a root of its own: several share a namespace.
		root := strings.ToLower(strings.TrimSuffix(name, ".thrift"))
		files, err := gen.Generate(prog, "gentest/"+root, gen.WithFastCodec(true))
		require.NoError(t, err, name)
		for _, f := range files {
			p := filepath.Join(mod, root, filepath.FromSlash(f.Path))
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, f.Content, 0o644))
			generated++
		}
	}
	require.Greater(t, generated, 30)

	repo := repoRoot(t)
	gomod := "module gentest\n\ngo 1.25.0\n\nrequire (\n" +
		"\tgithub.com/govolo/volo/volo v0.1.0\n" +
		"\tgithub.com/cloudwego/gopkg v0.1.4\n)\n\n"
	for _, m := range []string{"volo", "motore", "metainfo", "ext/discovery"} {
		gomod += "replace github.com/govolo/volo/" + m + " => " + filepath.Join(repo, filepath.FromSlash(m)) + "\n"
	}
	require.NoError(t, os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644))
	run := func(args ...string) {
		cmd := exec.Command("go", args...)
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
	}
	run("mod", "tidy")
	run("vet", "./...")
	// The linter the repository's CI runs, at its version.
	run("run", "honnef.co/go/tools/cmd/staticcheck@v0.8.2", "./...")
}
