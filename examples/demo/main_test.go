package main

import (
	"strings"
	"testing"
	"time"
)

func TestDemoOutput(t *testing.T) {
	var out strings.Builder
	if err := run(&out, 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	want := `server stack: server-log -> metrics -> catch-panic -> filter -> handler
client stack: client-log -> timeout(200ms) -> transport(ttheader)
calls (tenant=acme travels as persistent metainfo):
  call "hello"
    server: Echo.echo("hello") tenant=acme
    client: "HELLO" (served-by=volo-demo)
  call ""
    server: Echo.echo("") tenant=acme
    client: error: business error 400: empty message
  call "panic"
    server: Echo.echo("panic") tenant=acme
    client: error: exception (internal error): motore: panic recovered: echo cannot handle panic
  call "slow"
    server: Echo.echo("slow") tenant=acme
    client: error: timeout
  call "volo"
    server: Echo.echo("volo") tenant=acme
    client: "VOLO" (served-by=volo-demo)
server metrics: 5 calls, 3 failures
`
	if got := out.String(); got != want {
		t.Errorf("demo printed:\n%s\nwant:\n%s", got, want)
	}
}
