package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"

	"github.com/govolo/volo/interop/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// lines reads r line by line into a channel, closed at EOF.
func lines(r io.Reader) <-chan string {
	ch := make(chan string, 16)
	go func() {
		defer close(ch)
		s := bufio.NewScanner(r)
		for s.Scan() {
			ch <- s.Text()
		}
	}()
	return ch
}

// listenAddr waits for the line that says where the server listens.
func listenAddr(t *testing.T, out <-chan string) string {
	t.Helper()
	select {
	case l := <-out:
		_, addr, ok := strings.Cut(l, "listening on ")
		require.True(t, ok, "first line %q", l)
		return addr
	case <-time.After(30 * time.Second):
		t.Fatal("the server printed no address")
		return ""
	}
}

func TestRunServesEveryTransport(t *testing.T) {
	for _, tc := range []struct {
		transport string
		framing   frame.Framing
	}{{"framed", frame.Framed}, {"buffered", frame.Buffered}, {"ttheader", frame.TTHeader}} {
		t.Run(tc.transport, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			pr, pw := io.Pipe()
			out := lines(pr)
			code := make(chan int, 1)
			go func() {
				code <- run(ctx, []string{"-addr", "127.0.0.1:0", "-transport", tc.transport}, pw, io.Discard)
				pw.Close()
			}()
			addr := listenAddr(t, out)

			c, err := gen.NewThriftTestClient(client.WithAddress(addr), client.WithFraming(tc.framing))
			require.NoError(t, err)
			err = thrifttest.Run(context.Background(), thrifttest.NewVoloClient(c))
			assert.NoError(t, err)
			require.NoError(t, c.Close())

			cancel() // as SIGINT does in main
			assert.Equal(t, 0, <-code)
			assert.Equal(t, "thrifttest-server: shut down", <-out)
		})
	}
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-transport", "compact"},
		{"-transport", "ttheader_framed"},
		{"-nope"},
		{"extra"},
	} {
		var stderr strings.Builder
		assert.Equal(t, 2, run(context.Background(), args, io.Discard, &stderr), "%v", args)
		assert.Contains(t, stderr.String(), "Usage of thrifttest-server", "%v", args)
	}
	var stderr strings.Builder
	assert.Equal(t, 1, run(context.Background(), []string{"-addr", "256.0.0.1:1"}, io.Discard, &stderr))
	assert.Contains(t, stderr.String(), "thrifttest-server: listen tcp")
}

// TestCommands builds both commands and runs the client's binary against
// the server's, which SIGINT then stops.
func TestCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir, ".", "../thrifttest-client")
	build.Env = append(os.Environ(), "GOWORK=off")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	srv := exec.Command(filepath.Join(dir, "thrifttest-server"), "-addr", "127.0.0.1:0", "-transport", "buffered")
	stdout, err := srv.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, srv.Start())
	defer srv.Process.Kill()
	srvOut := lines(stdout)
	addr := listenAddr(t, srvOut)

	cl := exec.Command(filepath.Join(dir, "thrifttest-client"), "-addr", addr, "-transport", "buffered")
	out, err = cl.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "testInsanity")
	assert.Contains(t, string(out), "thrifttest-client: all checks passed")

	require.NoError(t, srv.Process.Signal(syscall.SIGINT))
	assert.Equal(t, "thrifttest-server: shut down", <-srvOut)
	for range srvOut {
	}
	require.NoError(t, srv.Wait(), "exit status after SIGINT")
}
