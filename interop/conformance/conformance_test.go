package conformance_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// runner is connectrpc's conformance runner, pinned; go run fetches it
// through the module proxy once and builds it from the module cache after.
const runner = "connectrpc.com/conformance/cmd/connectconformance@v1.0.7"

// build builds the program of package pkg into dir.
func build(t *testing.T, dir, pkg string) string {
	t.Helper()
	out := filepath.Join(dir, filepath.Base(pkg))
	args := []string{"build", "-o", out}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, pkg)...)
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	return out
}

// totals is the runner's last line: "N passed, M failed".
var totals = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed$`)

// conform runs the suite in mode against the program bin, with the
// features of testdata/config.yaml and no case allowed to fail.
func conform(t *testing.T, mode, bin string) {
	t.Helper()
	conf, err := filepath.Abs(filepath.Join("testdata", "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "run", runner, "--conf", conf, "--mode", mode, "--", bin)
	// Outside this module, so that go run resolves the runner's own
	// dependencies, not this module's.
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	m := totals.FindSubmatch(out.Bytes())
	if err != nil || m == nil || string(m[2]) != "0" {
		t.Fatalf("conformance %s mode: %v\n%s", mode, err, out.Bytes())
	}
	t.Logf("%s mode: %s passed, %s failed", mode, m[1], m[2])
}

// TestServer runs the suite's server cases: the runner's clients
// (connect-go's reference client and grpc-go) against cmd/voloserver.
func TestServer(t *testing.T) {
	conform(t, "server", build(t, t.TempDir(), "./cmd/voloserver"))
}

// TestClient runs the suite's client cases: cmd/voloclient against the
// runner's servers (connect-go's reference server and grpc-go).
func TestClient(t *testing.T) {
	conform(t, "client", build(t, t.TempDir(), "./cmd/voloclient"))
}
