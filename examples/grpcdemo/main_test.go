package main

import (
	"strings"
	"testing"
	"time"

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
	want := `grpc-go server: tracing -> server-log -> metrics -> concurrency(2) -> circuitbreaker per method -> catch-panic -> Echo
grpc-go client: client-log -> tracing -> timeout(200ms) -> circuitbreaker per target -> grpc
calls (tenant=acme travels as persistent metainfo, in rpc-persist-tenant):
  call "hello"
    server: /echo.Echo/Echo("hello") tenant=acme
    client: "HELLO" (served-by=grpc-a)
  call ""
    server: /echo.Echo/Echo("") tenant=acme
    client: error: InvalidArgument: empty message
  call "panic"
    server: /echo.Echo/Echo("panic") tenant=acme
    client: error: Internal: motore: panic recovered: echo cannot handle panic
  call "slow"
    server: /echo.Echo/Echo("slow") tenant=acme
    client: error: DeadlineExceeded (the client's timeout)
  call "volo"
    server: /echo.Echo/Echo("volo") tenant=acme
    client: "VOLO" (served-by=grpc-a)
two other clients hold both of the server's slots; a third call is turned away:
    server: /echo.Echo/Echo("hold") tenant=
    server: /echo.Echo/Echo("hold") tenant=
  call "third"
    server: /echo.Echo/Echo("third") tenant=acme
    client: error: ResourceExhausted (the server's concurrency limit)
    client: the server sent a retry hint (grpc-retry-pushback-ms): true
  call "free again"
    server: /echo.Echo/Echo("free again") tenant=acme
    client: "FREE AGAIN" (served-by=grpc-a)
the backend goes down; after 3 failures in a row the client's breaker opens:
  call "down"
    server: /echo.Echo/Echo("down") tenant=acme
    client: error: Unavailable: backend down
  call "down"
    server: /echo.Echo/Echo("down") tenant=acme
    client: error: Unavailable: backend down
  call "down"
    server: /echo.Echo/Echo("down") tenant=acme
    client: error: Unavailable: backend down
  call "down"
    client: error: Unavailable (the client's breaker is open; the server was not called)
client breakers, per target:
  127.0.0.1:<port>: open, 0 succeeded, 0 failed, 0 ignored
server breakers, per method:
  echo.Echo/Echo: closed, 5 succeeded
server metrics: 12 calls
trace: 23 spans; the first call's client span "echo.Echo/Echo" is the parent of server span "echo.Echo/Echo": true
`
	if got := out.String(); got != want {
		t.Errorf("demo printed:\n%s\nwant:\n%s", got, want)
	}
}
