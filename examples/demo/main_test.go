package main

import (
	"strings"
	"testing"
	"time"
)

func TestDemoOutput(t *testing.T) {
	var out strings.Builder
	if err := run(&out, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	want := `stack:
  1. logging
  2. metrics
  3. catch-panic
  4. timeout(20ms)
  5. filter
  6. echo
calls:
  call "hello"  -> "HELLO"
  call ""       -> error: empty message
  call "panic"  -> error: motore: panic recovered: echo cannot handle panic
  call "slow"   -> error: motore: call timed out after 20ms: context deadline exceeded
  call "volo"   -> "VOLO"
metrics: 5 calls, 3 failures
`
	if got := out.String(); got != want {
		t.Errorf("demo printed:\n%s\nwant:\n%s", got, want)
	}
}
