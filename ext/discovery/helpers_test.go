package discovery_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/ext/discovery"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// seeded returns a reproducible random source that is safe for concurrent
// use.
func seeded(seed uint64) func() uint64 {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	return func() uint64 {
		mu.Lock()
		defer mu.Unlock()
		return r.Uint64()
	}
}

// instances returns n instances "10.0.0.i:80" with the given weights
// (DefaultWeight when weights is shorter).
func instances(n int, weights ...int) []discovery.Instance {
	ins := make([]discovery.Instance, n)
	for i := range ins {
		ins[i] = discovery.Instance{Addr: fmt.Sprintf("10.0.%d.%d:80", i/256, i%256)}
		if i < len(weights) {
			ins[i].Weight = weights[i]
		}
	}
	return ins
}

// newBalancer builds a balancer over a static list and closes it at the
// end of the test.
func newBalancer(t testing.TB, ins []discovery.Instance, opts ...discovery.Option) (*discovery.Balancer, *discovery.Static) {
	t.Helper()
	st := discovery.NewStatic(ins...)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := discovery.NewBalancer(ctx, st, "svc", opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b, st
}

// count picks n times and returns the calls per address.
func count(t testing.TB, b *discovery.Balancer, n int, key func(i int) string) map[string]int {
	t.Helper()
	got := make(map[string]int)
	for i := range n {
		k := ""
		if key != nil {
			k = key(i)
		}
		p, err := b.Pick(k)
		require.NoError(t, err)
		got[p.Instance().Addr]++
		p.Done(nil)
	}
	return got
}
