package codec_test

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

// TestGeneratedCodeIsCurrent regenerates internal/vologen in memory, as its
// generate.sh does, and fails if the committed files differ from what the
// generator writes today, so the benchmark measures the generator's code.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/apache/thrift")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	require.NoError(t, err)
	thriftTest := filepath.Join(strings.TrimSpace(string(out)), "test", "ThriftTest.thrift")
	for _, idl := range []string{thriftTest, "testdata/message.thrift"} {
		prog, err := thriftidl.Load(idl)
		require.NoError(t, err)
		files, err := gen.Generate(prog, "github.com/govolo/volo/bench/codec/internal/vologen")
		require.NoError(t, err)
		for _, f := range files {
			committed, err := os.ReadFile(filepath.Join("internal", "vologen", filepath.FromSlash(f.Path)))
			require.NoError(t, err, "%s is not committed: run internal/vologen/generate.sh", f.Path)
			assert.True(t, string(committed) == string(f.Content), "internal/vologen/%s differs from the generator's output: run internal/vologen/generate.sh", f.Path)
		}
	}
}
