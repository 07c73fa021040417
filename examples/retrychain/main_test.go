package main

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Three services in a chain over real volo connections, each calling the
// next through ext/retry's layer, the bottom always failing: the bottom
// sees at most (1 + budget) times the calls entering the top.
func TestGuardedChainStaysWithinTheBudget(t *testing.T) {
	const calls = 200
	c, err := startChain(true)
	if err != nil {
		t.Fatal(err)
	}
	err = c.call(calls)
	c.close()
	if err != nil {
		t.Fatal(err)
	}
	top, bottom := c.top.Load(), c.bottom.Load()
	if top != calls || c.middle.Load() != calls {
		t.Errorf("the top saw %d calls and the middle %d, want %d each: only the middle retries", top, c.middle.Load(), calls)
	}
	if limit := top + top/5; bottom > limit {
		t.Errorf("the bottom saw %d calls for %d into the top, over (1 + 20%%) × %d = %d", bottom, top, top, limit)
	}
	if bottom == top || c.bottomRetries.Load() != bottom-top {
		t.Errorf("the bottom saw %d calls, %d marked as retries, for %d into the top: the middle should retry within its budget", bottom, c.bottomRetries.Load(), top)
	}
	t.Logf("%d calls into the top, %d at the bottom", top, bottom)
}

// Without the guards the same chain multiplies: 4 attempts at each of three
// hops make 64 calls at the bottom for each call into the chain.
func TestPlainRetriesMultiply(t *testing.T) {
	const calls = 3
	c, err := startChain(false)
	if err != nil {
		t.Fatal(err)
	}
	err = c.call(calls)
	c.close()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.bottom.Load(); got != 64*calls {
		t.Errorf("the bottom saw %d calls, want 64 × %d", got, calls)
	}
}

// The mark of a retry crosses a real hop: when the top retries the middle,
// the middle's server puts the mark in the handler's context, its client
// sends it on to the bottom, and the middle's own retry layer, seeing it,
// does not retry the bottom (chain stop).
func TestChainStopAcrossAHop(t *testing.T) {
	c := &chain{}
	defer c.close()
	var mu sync.Mutex
	var marks []string
	bottom, err := c.serve(func(ctx context.Context, _ string) (string, error) {
		n, _ := retry.Retried(ctx)
		mu.Lock()
		marks = append(marks, strings.Repeat("r", n))
		mu.Unlock()
		return "", volo.Errorf(volo.CodeUnavailable, "bottom is down")
	})
	if err != nil {
		t.Fatal(err)
	}
	var stopped atomic.Int64
	hook := func(_ context.Context, d retry.Decision) {
		if d.Reason == retry.ReasonChainStopped {
			stopped.Add(1)
		}
	}
	mw := retry.New[*thrift.Call, thrift.Struct](retry.RetryOnCodes[thrift.Struct]("unavailable"), retry.WithPolicy(policy), retry.WithOnDecision(hook))
	toBottom, err := echo.NewEchoClient(client.WithAddress(bottom), client.WithRetry(mw))
	if err != nil {
		t.Fatal(err)
	}
	c.clients = append(c.clients, toBottom.Client)
	var first atomic.Bool
	first.Store(true)
	middle, err := c.serve(func(ctx context.Context, msg string) (string, error) {
		if first.Swap(false) {
			// The middle itself fails once, so that the top retries it.
			return "", volo.Errorf(volo.CodeUnavailable, "middle is busy")
		}
		return toBottom.Echo(ctx, msg)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The default budget: its reserve lets the first call retry.
	toMiddle, err := echo.NewEchoClient(client.WithAddress(middle), client.WithRetry(retry.New[*thrift.Call, thrift.Struct](retry.RetryOnCodes[thrift.Struct]("unavailable"),
		retry.WithPolicy(policy))))
	if err != nil {
		t.Fatal(err)
	}
	c.clients = append(c.clients, toMiddle.Client)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = toMiddle.Echo(ctx, "hello")
	if !retry.DoNotRetry(err) {
		t.Errorf("the middle's give-up should say not to retry; got %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(marks) != 1 || marks[0] != "r" {
		t.Errorf("the bottom saw %q, want one call marked as the first retry", marks)
	}
	if stopped.Load() != 1 {
		t.Errorf("the middle's layer reported %d chain stops, want 1", stopped.Load())
	}
}

func TestOutput(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"(1.20 per call)", "(64.00 per call)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
