package retry_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/govolo/volo/ext/retry"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// notSentError is what a transport returns when it could not send: it
// says so with a NotSent method, as ext/discovery's ErrConnection does.
type notSentError struct{}

func (notSentError) Error() string { return "connection refused" }
func (notSentError) NotSent() bool { return true }

var errNotSent error = notSentError{}

// codeError is an error with an RPC code, as volo's errors are.
type codeError struct{ code string }

func (e *codeError) Error() string   { return "remote: " + e.code }
func (e *codeError) RPCCode() string { return e.code }

var errBoom = errors.New("boom")

// counter is an inner service that answers with fail(n) for its n-th
// call (from 1) and records the contexts it was called with.
type counter struct {
	n    atomic.Int64
	fail func(n int64) error

	mu    sync.Mutex
	flags []string
}

func (c *counter) Call(ctx context.Context, req string) (string, error) {
	n := c.n.Add(1)
	v, _ := retryFlag(ctx)
	c.mu.Lock()
	c.flags = append(c.flags, v)
	c.mu.Unlock()
	if c.fail != nil {
		if err := c.fail(n); err != nil {
			return "", err
		}
	}
	return "ok " + req, nil
}

func (c *counter) calls() int { return int(c.n.Load()) }

func (c *counter) seenFlags() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.flags...)
}

func always(err error) func(int64) error { return func(int64) error { return err } }

// failFirst fails the first k calls with err.
func failFirst(k int64, err error) func(int64) error {
	return func(n int64) error {
		if n <= k {
			return err
		}
		return nil
	}
}

func build(t testing.TB, inner motore.Service[string, string], mws ...motore.Middleware[string, string]) motore.Service[string, string] {
	t.Helper()
	svc, err := motore.Build(inner, mws...)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func retryFlag(ctx context.Context) (string, bool) {
	return metainfo.GetPersistentValue(ctx, retry.MetainfoKey)
}

// noWait is a policy whose retries do not wait, so tests on a fake clock
// control time alone.
func noWait(attempts int) retry.Policy {
	return retry.Policy{MaxAttempts: attempts, NoBackoff: true}
}

// decisions records what a layer reports.
type decisions struct {
	mu sync.Mutex
	ds []retry.Decision
}

func (d *decisions) hook(_ context.Context, dec retry.Decision) {
	d.mu.Lock()
	d.ds = append(d.ds, dec)
	d.mu.Unlock()
}

func (d *decisions) reasons() []retry.Reason {
	d.mu.Lock()
	defer d.mu.Unlock()
	rs := make([]retry.Reason, len(d.ds))
	for i, dec := range d.ds {
		rs[i] = dec.Reason
	}
	return rs
}

func (d *decisions) count(r retry.Reason) int {
	n := 0
	for _, got := range d.reasons() {
		if got == r {
			n++
		}
	}
	return n
}
