package discovery_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
)

// ejectedAfter reports after how many failures to reach addr, one at a
// time, the balancer ejects it, or 0 if it has not after max.
func ejectedAfter(t *testing.T, b *discovery.Balancer, addr string, max int) int {
	t.Helper()
	for n := 1; n <= max; n++ {
		for {
			p, err := b.Pick("")
			require.NoError(t, err)
			if p.Instance().Addr == addr {
				p.Done(dialErr())
				break
			}
			p.Done(nil)
		}
		if b.Ejected(addr) {
			return n
		}
	}
	return 0
}

// TestEveryOptionReachesNewBalancer gives NewBalancer every option and
// checks each one's effect (the watch error handler has its own tests, as
// a static list never fails).
func TestEveryOptionReachesNewBalancer(t *testing.T) {
	errUnreachable := errors.New("unreachable")
	var draws atomic.Int64
	ins := instances(3)
	b, _ := newBalancer(t, ins,
		discovery.WithPolicy(discovery.WeightedRandom()),
		discovery.WithRetries(3),
		discovery.WithConnectionClassifier(func(err error) bool { return errors.Is(err, errUnreachable) }),
		discovery.WithOutlierDetection(1, time.Hour),
		discovery.WithMaxEjectedPercent(100),
		discovery.WithFilter(func(in discovery.Instance) bool { return in.Addr != ins[1].Addr }),
		discovery.WithRandom(func() uint64 { draws.Add(1); return 0 }),
		discovery.WithWatchErrorHandler(func(error) {}),
	)
	assert.Contains(t, b.Describe(), "retries 3")
	require.Len(t, b.Instances(), 2, "the filter dropped one")
	p, err := b.Pick("")
	require.NoError(t, err)
	assert.Positive(t, draws.Load(), "the random policy drew from the given source")
	addr := p.Instance().Addr
	p.Done(dialErr())
	assert.False(t, b.Ejected(addr), "the classifier given does not take a dial error")
	p = pickAddr(t, b, addr)
	p.Done(errUnreachable)
	assert.True(t, b.Ejected(addr), "one failure the classifier takes ejects it")
}

func pickAddr(t *testing.T, b *discovery.Balancer, addr string) discovery.Pick {
	t.Helper()
	for range 1000 {
		p, err := b.Pick("")
		require.NoError(t, err)
		if p.Instance().Addr == addr {
			return p
		}
		p.Done(nil)
	}
	t.Fatalf("%s never picked", addr)
	return discovery.Pick{}
}

// Zero or less means the default, and only the Without options turn a
// feature off.
func TestBalancerOptionsZeroMeansTheDefault(t *testing.T) {
	b, _ := newBalancer(t, instances(2), discovery.WithRetries(0))
	assert.Contains(t, b.Describe(), "retries 1")
	b, _ = newBalancer(t, instances(2), discovery.WithRetries(-5))
	assert.Contains(t, b.Describe(), "retries 1")
	b, _ = newBalancer(t, instances(2), discovery.WithRetries(1000))
	assert.Contains(t, b.Describe(), "retries 8", "above MaxRetries, MaxRetries")
	b, _ = newBalancer(t, instances(2), discovery.WithoutRetries())
	assert.Contains(t, b.Describe(), "retries 0")

	ins := instances(2)
	b, _ = newBalancer(t, ins, discovery.WithOutlierDetection(0, 0), discovery.WithMaxEjectedPercent(0))
	assert.Equal(t, 5, ejectedAfter(t, b, ins[0].Addr, 10), "the default: 5 failures, and one instance of two may go")
	b, _ = newBalancer(t, ins, discovery.WithoutOutlierDetection())
	assert.Zero(t, ejectedAfter(t, b, ins[0].Addr, 10))
}

func TestDNSOptionsZeroMeansTheDefault(t *testing.T) {
	assert.Equal(t, "dns(refresh 30s)", discovery.NewDNS(discovery.WithRefresh(0), discovery.WithResolver(nil), nil).Describe())
	assert.Equal(t, "dns(refresh 30s)", discovery.NewDNS(discovery.WithRefresh(-time.Second)).Describe())
	assert.Equal(t, "dns(refresh 10ms)", discovery.NewDNS(discovery.WithRefresh(time.Nanosecond)).Describe(), "raised to its minimum")
	assert.Equal(t, "dns(refresh 1m0s)", discovery.NewDNS(discovery.WithRefresh(time.Minute)).Describe())
}
