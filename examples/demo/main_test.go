package main

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/govolo/volo/examples/internal/scenario/scenariotest"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestDemoScenario runs the demo end to end and checks what it says
// happened, not the counts that vary from run to run.
func TestDemoScenario(t *testing.T) {
	var out strings.Builder
	rep, err := runScenario(&out)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	scenariotest.Check(t, rep, out.String())
}

func TestStandaloneServesFramedClients(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var out lockedWriter
	var buf strings.Builder
	out.w = &buf
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, &out, ln) }()

	for _, f := range []frame.Framing{frame.Framed, frame.Buffered, frame.TTHeader} {
		c, err := echo.NewEchoClient(client.WithAddress(ln.Addr().String()), client.WithFraming(f))
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.Echo(context.Background(), "standalone")
		c.Close()
		if err != nil || got != "STANDALONE" {
			t.Fatalf("%v: got %q, %v", f, got, err)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	out.mu.Lock()
	defer out.mu.Unlock()
	if !strings.Contains(buf.String(), "served 3 calls, 0 failures") {
		t.Errorf("printed:\n%s", buf.String())
	}
}
