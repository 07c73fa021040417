package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestDemoOutput(t *testing.T) {
	var out strings.Builder
	if err := run(&out, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	want := `server stack: server-log -> metrics -> concurrency(64) -> catch-panic -> filter -> handler
client stack: client-log -> timeout(200ms) -> loadbalance(round_robin over "Echo", retries 1) -> attempt-log -> circuitbreaker per key(5 consecutive, 50% of 20, in 10s, open 5s, probes 1, max 1024 keys, no idle expiry) -> transport(ttheader)
calls to instances a and b (tenant=acme travels as persistent metainfo):
  call "hello"
    server a: Echo.echo("hello") tenant=acme
    client: "HELLO" (served-by=a)
  call ""
    server b: Echo.echo("") tenant=acme
    client: error: business error 400: empty message
  call "panic"
    server a: Echo.echo("panic") tenant=acme
    client: error: exception (internal error, code internal): volo: the handler of echo panicked
  call "slow"
    server b: Echo.echo("slow") tenant=acme
    client: error: timeout
  call "volo"
    server a: Echo.echo("volo") tenant=acme
    client: "VOLO" (served-by=a)
instance b stops; the balancer still lists it:
  call "again"
    client: b refused the connection; the balancer tries another instance
    server a: Echo.echo("again") tenant=acme
    client: "AGAIN" (served-by=a)
  call "still"
    client: b refused the connection; the balancer tries another instance
    server a: Echo.echo("still") tenant=acme
    client: "STILL" (served-by=a)
client breakers, per instance:
  a: closed, 4 succeeded, 1 failed, 0 ignored
  b: closed, 0 succeeded, 3 failed, 1 ignored
server a metrics: 5 calls, 1 failures
server b metrics: 2 calls, 2 failures
`
	if got := out.String(); got != want {
		t.Errorf("demo printed:\n%s\nwant:\n%s", got, want)
	}
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
