//go:build unix

package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The quick start with a .proto file: volo init on
// testdata/proto/greeter.proto, then in the new module go vet, go build,
// the server (its SayHello handler edited to answer a greeting), go run
// of the client calling every unary method over volo's gRPC client, a
// graceful stop on SIGINT, and go generate after a change to the file.
func TestEndToEndProto(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project")
	}
	start := time.Now()
	step := func(name string, since time.Time) { t.Logf("%-34s %6.1fs", name, time.Since(since).Seconds()) }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	root := mustAbs(t, filepath.Join("..", ".."))
	require.FileExists(t, filepath.Join(root, "volo", "grpc", "go.mod"))
	dir := filepath.Join(t.TempDir(), "greeter")
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))

	t0 := time.Now()
	binary(t)
	step("go build (volo)", t0)
	t0 = time.Now()
	code, stdout, stderr := runVolo(t, t.TempDir(), env, "init", "-o", dir, "-replace", root, "example.com/greeter", mustAbs(t, "testdata/proto/greeter.proto"))
	require.Equal(t, 0, code, "volo init:\n%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "running go mod tidy in "+dir)
	step("volo init (with go mod tidy)", t0)

	// The handler answers a greeting, so the test sees a field cross the
	// wire both ways.
	handler := filepath.Join(dir, "cmd", "server", "handler.go")
	src, err := os.ReadFile(handler)
	require.NoError(t, err)
	stub := "\t// TODO: implement SayHello.\n\treturn &greeterv1.HelloReply{}, nil\n"
	require.Contains(t, string(src), stub)
	src = []byte(strings.Replace(string(src), stub, "\treturn &greeterv1.HelloReply{Message: \"hello, \" + req.GetName() + \"!\"}, nil\n", 1))
	require.NoError(t, os.WriteFile(handler, src, 0o644))
	client := filepath.Join(dir, "cmd", "client", "main.go")
	src, err = os.ReadFile(client)
	require.NoError(t, err)
	call := "greeterClient.SayHello(ctx, &greeterv1.HelloRequest{})"
	require.Contains(t, string(src), call)
	src = []byte(strings.Replace(string(src), call, "greeterClient.SayHello(ctx, &greeterv1.HelloRequest{Name: \"volo\"})", 1))
	require.NoError(t, os.WriteFile(client, src, 0o644))

	goCmd := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir, cmd.Env = dir, env
		return cmd
	}
	mustGo := func(args ...string) string {
		t.Helper()
		t0 := time.Now()
		out, err := goCmd(args...).CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		step("go "+strings.Join(args, " "), t0)
		return string(out)
	}
	mustGo("vet", "./...")
	mustGo("build", "./...")

	serverBin := filepath.Join(t.TempDir(), "server")
	mustGo("build", "-o", serverBin, "./cmd/server")
	addr := freeAddr(t)
	t0 = time.Now()
	server := exec.CommandContext(ctx, serverBin, "-addr", addr)
	server.Dir = dir
	var serverOut syncBuffer
	server.Stdout, server.Stderr = &serverOut, &serverOut
	require.NoError(t, server.Start())
	exited := make(chan error, 1)
	go func() { exited <- server.Wait() }()
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			server.Process.Kill()
			<-exited
		}
	})
	waitListening(t, addr, exited, &serverOut)
	step("./server (listening)", t0)

	t0 = time.Now()
	out, err := goCmd("run", "./cmd/client", "-addr", addr).CombinedOutput()
	require.NoError(t, err, "client:\n%s\nserver:\n%s", out, serverOut.String())
	step("go run ./cmd/client", t0)
	// prototext varies the space after a field name on purpose.
	assert.Regexp(t, `^Greeter\.SayHello: \{message: ?"hello, volo!"\}\nGreeter\.Ping: \{\}\nAdmin\.Reset: \{\}\n$`, string(out))

	t0 = time.Now()
	require.NoError(t, server.Process.Signal(os.Interrupt))
	select {
	case err := <-exited:
		stopped = true
		require.NoError(t, err, "server:\n%s", serverOut.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not stop on SIGINT:\n%s", serverOut.String())
	}
	assert.Contains(t, serverOut.String(), "serving greeter.v1.Greeter, greeter.v1.Admin on "+addr)
	assert.Contains(t, serverOut.String(), "server stopped")
	step("SIGINT to the server (stopped)", t0)

	// go generate ./... regenerates after a change to the .proto file.
	idl := filepath.Join(dir, "idl", "greeter.proto")
	src, err = os.ReadFile(idl)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(idl, append(src, "\nmessage Added {\n  string note = 1;\n}\n"...), 0o644))
	out2 := mustGo("generate", "./...")
	assert.Contains(t, out2, "wrote ../gen/greeter/v1/greeter.pb.go")
	gen, err := os.ReadFile(filepath.Join(dir, "gen", "greeter", "v1", "greeter.pb.go"))
	require.NoError(t, err)
	assert.Contains(t, string(gen), "type Added struct {")
	code, stdout, stderr = runVolo(t, dir, env, "gen")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	mustGo("build", "./...")
	step("total", start)
}
