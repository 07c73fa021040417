package circuitbreaker_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
)

var errDown = errors.New("down")

// waitFor bounds every wait in these tests.
const waitFor = 5 * time.Second

// openTimeout keeps the tests fast; nothing asserts how long anything took.
const openTimeout = 20 * time.Millisecond

// waitState polls a snapshot until the breaker reaches want. Reading the
// state is what moves an expired open breaker to half-open.
func waitState(t *testing.T, snap func() circuitbreaker.Snapshot, want circuitbreaker.State) {
	t.Helper()
	require.Eventually(t, func() bool { return snap().State == want }, waitFor, time.Millisecond,
		"breaker never reached %v", want)
}

// gate is an inner service whose calls block until released, so a test can
// hold probes in flight and see what other callers get meanwhile.
type gate struct {
	mu       sync.Mutex
	calls    int
	inFlight int
	release  chan struct{}
	err      error
}

func newGate(err error) *gate { return &gate{release: make(chan struct{}), err: err} }

func (g *gate) Call(ctx context.Context, req string) (string, error) {
	g.mu.Lock()
	g.calls++
	g.inFlight++
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.inFlight--
		g.mu.Unlock()
	}()
	select {
	case <-g.release:
		return req, g.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (g *gate) counts() (calls, inFlight int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls, g.inFlight
}

func (g *gate) open() { close(g.release) }
