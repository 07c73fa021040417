//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// userMethods are the Go methods of testdata/user.thrift's services,
// inherited ones included.
var userMethods = map[string][]string{
	"UserService":  {"Ping", "GetUser", "ListUsers", "UsersByID", "CreateUser", "UpdateProfile", "Touch", "RoleOf", "Avatar", "Exists", "Rating"},
	"AdminService": {"Ping", "GetUser", "ListUsers", "UsersByID", "CreateUser", "UpdateProfile", "Touch", "RoleOf", "Avatar", "Exists", "Rating", "DeleteUser", "ResetProfile", "Status"},
}

// syncBuffer is a buffer a process writes to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The quick start of the README, run: volo init on testdata/user.thrift,
// then in the new module go vet, go build, the server, go run of the
// client calling every method, a graceful stop on SIGINT, and go generate
// regenerating.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project")
	}
	start := time.Now()
	step := func(name string, since time.Time) { t.Logf("%-34s %6.1fs", name, time.Since(since).Seconds()) }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	root := mustAbs(t, filepath.Join("..", ".."))
	require.FileExists(t, filepath.Join(root, "volo", "go.mod"))
	dir := filepath.Join(t.TempDir(), "user")
	// The new module is built as its users build it: outside any
	// workspace, its go.sum filled as needed, the ambient proxy and cache.
	env := append(os.Environ(), "GOWORK=off", "GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"))

	t0 := time.Now()
	binary(t)
	step("go build (volo)", t0)
	t0 = time.Now()
	code, stdout, stderr := runVolo(t, t.TempDir(), env, "init", "-o", dir, "-replace", root, "example.com/user", mustAbs(t, "testdata/user.thrift"))
	require.Equal(t, 0, code, "volo init:\n%s\n%s", stdout, stderr)
	assert.Contains(t, stdout, "running go mod tidy in "+dir)
	step("volo init (with go mod tidy)", t0)

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

	// The server runs as built, not through go run: on SIGINT, go run
	// exits with status 1 whatever its program does.
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
	got := make(map[string]bool)
	for _, l := range strings.Split(string(out), "\n") {
		assert.NotContains(t, l, ": error: ")
		if name, _, ok := strings.Cut(l, ": "); ok {
			got[name] = true
		}
	}
	n := 0
	for svc, methods := range userMethods {
		for _, m := range methods {
			assert.True(t, got[svc+"."+m], "the client printed no line for %s.%s:\n%s", svc, m, out)
			n++
		}
	}
	assert.Equal(t, n, strings.Count(string(out), "\n"), "a line per method:\n%s", out)

	t0 = time.Now()
	require.NoError(t, server.Process.Signal(os.Interrupt))
	select {
	case err := <-exited:
		stopped = true
		require.NoError(t, err, "server:\n%s", serverOut.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not stop on SIGINT:\n%s", serverOut.String())
	}
	assert.Contains(t, serverOut.String(), "serving UserService, AdminService on "+addr)
	assert.Contains(t, serverOut.String(), "server stopped")
	step("SIGINT to the server (stopped)", t0)

	// go generate ./... regenerates: an IDL change, a removed file.
	idl := filepath.Join(dir, "idl", "user.thrift")
	src, err := os.ReadFile(idl)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(idl, append(src, "\nstruct Added {\n  1: string note\n}\n"...), 0o644))
	base := filepath.Join(dir, "gen", "user", "base", "base.go")
	baseSrc, err := os.ReadFile(base)
	require.NoError(t, err)
	require.NoError(t, os.Remove(base))
	out2 := mustGo("generate", "./...")
	assert.Contains(t, out2, "wrote ../gen/user/user.go")
	gen, err := os.ReadFile(filepath.Join(dir, "gen", "user", "user.go"))
	require.NoError(t, err)
	assert.Contains(t, string(gen), "type Added struct {")
	restored, err := os.ReadFile(base)
	require.NoError(t, err)
	assert.Equal(t, string(baseSrc), string(restored))
	// And twice changes nothing.
	code, stdout, stderr = runVolo(t, dir, env, "gen")
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, stdout)
	mustGo("build", "./...")
	step("total", start)
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// waitListening waits until addr accepts, failing if the process exits
// first or two minutes pass (go run builds first).
func waitListening(t *testing.T, addr string, exited <-chan error, out fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("the server exited before listening (%v):\n%s", err, out)
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		var ne net.Error
		if !errors.As(err, &ne) && !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the server did not listen on %s:\n%s", addr, out)
}
