// Command demo builds a motore stack of real middleware around an echo
// service, prints the stack's own description, and calls it with requests
// that succeed, are rejected, panic and time out.
//
//	go run ./examples/demo
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/govolo/volo/motore"
)

// errEmpty rejects requests with no message.
var errEmpty = errors.New("empty message")

func main() {
	timeout := flag.Duration("timeout", 50*time.Millisecond, "per-call timeout of the stack")
	flag.Parse()
	if err := run(os.Stdout, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// echo is the service at the bottom of the stack.
type echo struct{}

// Describe names the service in the stack description.
func (echo) Describe() string { return "echo" }

// Call answers msg in upper case; "panic" and "slow" misbehave on purpose.
func (echo) Call(ctx context.Context, msg string) (string, error) {
	switch msg {
	case "panic":
		panic("echo cannot handle " + msg)
	case "slow":
		select {
		case <-time.After(time.Minute):
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	return strings.ToUpper(msg), nil
}

// counter counts calls and failures as they pass.
type counter struct{ calls, failures atomic.Int64 }

func (c *counter) middleware() motore.Middleware[string, string] {
	return motore.MiddlewareFn("metrics", func(ctx context.Context, msg string, next motore.Service[string, string]) (string, error) {
		c.calls.Add(1)
		resp, err := next.Call(ctx, msg)
		if err != nil {
			c.failures.Add(1)
		}
		return resp, err
	})
}

// logging prints each call and its outcome.
func logging(w io.Writer) motore.Middleware[string, string] {
	return motore.MiddlewareFn("logging", func(ctx context.Context, msg string, next motore.Service[string, string]) (string, error) {
		resp, err := next.Call(ctx, msg)
		if err != nil {
			fmt.Fprintf(w, "  call %-8q -> error: %v\n", msg, firstLine(err))
		} else {
			fmt.Fprintf(w, "  call %-8q -> %q\n", msg, resp)
		}
		return resp, err
	})
}

func run(w io.Writer, timeout time.Duration) error {
	var metrics counter
	svc, err := motore.NewBuilder[string, string]().
		Layer(logging(w)).
		Layer(metrics.middleware()).
		Layer(motore.CatchPanic[string, string]()).
		Layer(motore.Timeout[string, string](timeout)).
		Layer(motore.Filter[string](func(_ context.Context, msg string) error {
			if msg == "" {
				return errEmpty
			}
			return nil
		})).
		Build(echo{})
	if err != nil {
		return err
	}

	fmt.Fprintln(w, "stack:")
	for i, name := range motore.Layers(svc) {
		fmt.Fprintf(w, "  %d. %s\n", i+1, name)
	}
	fmt.Fprintln(w, "calls:")
	ctx := context.Background()
	for _, msg := range []string{"hello", "", "panic", "slow", "volo"} {
		_, err := svc.Call(ctx, msg)
		switch {
		case err == nil:
		case errors.Is(err, errEmpty), errors.Is(err, motore.ErrPanic), errors.Is(err, motore.ErrTimeout):
		default:
			return fmt.Errorf("unexpected error for %q: %w", msg, err)
		}
	}
	fmt.Fprintf(w, "metrics: %d calls, %d failures\n", metrics.calls.Load(), metrics.failures.Load())
	return nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
