package scaffold_test

import (
	"context"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/cmd/volo/internal/scaffold"
	"github.com/govolo/volo/pilota/pbgen"
)

// writeProto generates a .proto file and its programs.
func writeProto(t *testing.T, file string) (map[string]string, []pbgen.GenFile) {
	t.Helper()
	prog, err := pbgen.Load(file)
	require.NoError(t, err)
	files, err := pbgen.Generate(prog, "example.com/p/gen")
	require.NoError(t, err)
	svcs, err := pbgen.Services(prog, "example.com/p/gen")
	require.NoError(t, err)
	out, err := scaffold.WriteProto(filepath.Base(file), svcs)
	require.NoError(t, err)
	progs := make(map[string]string)
	for _, f := range out {
		src, err := format.Source(f.Content)
		require.NoError(t, err)
		assert.Equal(t, string(src), string(f.Content), "%s is gofmt'd", f.Path)
		progs[f.Path] = string(f.Content)
	}
	return progs, files
}

// Names that collide with the programs' imports, and methods named as the
// client's own, still make programs that build and pass go vet.
func TestWriteProtoEdgeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	progs, files := writeProto(t, "testdata/edge.proto")
	assert.Contains(t, progs[scaffold.ServerMain], `server2 "example.com/p/gen/server"`)
	assert.Contains(t, progs[scaffold.ClientMain], "defer serverClient.Client.Close()")
	assert.Contains(t, progs[scaffold.ClientMain], `"Server.Close"`)
	assert.Contains(t, progs[scaffold.ClientMain], "clientClient.Client_(ctx, &server.Grpc{})")
	assert.Contains(t, progs[scaffold.ClientMain], `{"Server.NewStream", func(ctx context.Context) (any, error) {`, "a streaming method is called")

	root, err := filepath.Abs("../../../..")
	require.NoError(t, err)
	dir := t.TempDir()
	put := func(rel, content string) {
		name := filepath.Join(dir, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
		require.NoError(t, os.WriteFile(name, []byte(content), 0o644))
	}
	mod := "module example.com/p\n\ngo 1.25.0\n\nrequire (\n\tgithub.com/govolo/volo/volo v0.1.0\n\tgithub.com/govolo/volo/volo/grpc v0.1.0\n)\n\nreplace (\n"
	for _, m := range []string{"volo", "volo/grpc", "motore", "metainfo", "ext/discovery"} {
		mod += "\tgithub.com/govolo/volo/" + m + " => " + filepath.ToSlash(filepath.Join(root, m)) + "\n"
	}
	put("go.mod", mod+")\n")
	for _, f := range files {
		put("gen/"+f.Path, string(f.Content))
	}
	for p, c := range progs {
		put(p, c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, args := range [][]string{{"mod", "tidy"}, {"vet", "./..."}, {"build", "-o", os.DevNull, "./cmd/server"}, {"build", "-o", os.DevNull, "./cmd/client"}} {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS="+os.Getenv("GOFLAGS")+" -mod=mod")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s\n%s", strings.Join(args, " "), out, progs[scaffold.ServerHandler])
	}
}
