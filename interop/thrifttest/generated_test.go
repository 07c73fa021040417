package thrifttest_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/pilota/gen"
	"github.com/govolo/volo/pilota/thriftidl"
)

// apacheTestIDL returns the path of ThriftTest.thrift in the module cache
// copy of the github.com/apache/thrift module this module requires.
func apacheTestIDL(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/apache/thrift")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	require.NoError(t, err, "go list -m github.com/apache/thrift")
	dir := strings.TrimSpace(string(out))
	require.NotEmpty(t, dir)
	return filepath.Join(dir, "test", "ThriftTest.thrift")
}

// TestGeneratedCodeIsCurrent regenerates gen/thrifttest in memory, as
// generate.sh does, and fails if the committed files differ from what the
// generator writes today.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	src := apacheTestIDL(t)
	prog, err := thriftidl.Load(src, thriftidl.WithIncludeDirs(filepath.Dir(src)))
	require.NoError(t, err)
	files, err := gen.Generate(prog, "github.com/govolo/volo/interop/thrifttest/gen", gen.WithFastCodec(true))
	require.NoError(t, err)

	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		committed, err := os.ReadFile(filepath.Join("gen", filepath.FromSlash(f.Path)))
		if !assert.NoError(t, err, "%s is not committed: run generate.sh", f.Path) {
			continue
		}
		if line, ok := firstDiff(string(committed), string(f.Content)); !ok {
			t.Errorf("gen/%s differs from the generator's output from line %d: run generate.sh\n%s", f.Path, line.n, line)
		}
	}
	entries, err := os.ReadDir(filepath.Join("gen", "thrifttest"))
	require.NoError(t, err)
	for _, e := range entries {
		assert.True(t, want["thrifttest/"+e.Name()], "gen/thrifttest/%s is not generated: run generate.sh", e.Name())
	}
}

// diffLine is where two texts first differ.
type diffLine struct {
	n         int
	have, got string
}

func (d diffLine) String() string {
	return "committed: " + d.have + "\ngenerated: " + d.got
}

// firstDiff reports the first line where have and got differ, or ok.
func firstDiff(have, got string) (d diffLine, ok bool) {
	if have == got {
		return d, true
	}
	a, b := strings.Split(have, "\n"), strings.Split(got, "\n")
	for i := 0; ; i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y || i >= len(a) || i >= len(b) {
			return diffLine{n: i + 1, have: x, got: y}, false
		}
	}
}
