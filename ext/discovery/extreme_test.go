package discovery_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/discovery"
)

// A registry's weights come from anyone who can write to it: the largest
// ones must neither overflow the policies' sums nor size their tables.
func TestHugeWeightsCountAsMaxWeight(t *testing.T) {
	for _, p := range policies {
		t.Run(p.String(), func(t *testing.T) {
			b, _ := newBalancer(t, instances(3, math.MaxInt, math.MaxInt/2+1, discovery.MaxWeight), discovery.WithPolicy(p))
			got := count(t, b, 3000, func(i int) string { return strconv.Itoa(i) })
			assert.Len(t, got, 3, "every instance gets calls")
		})
	}
	assert.Equal(t, discovery.MaxWeight, discovery.Instance{Weight: math.MaxInt}.EffectiveWeight())
	assert.Equal(t, discovery.DefaultWeight, discovery.Instance{Weight: math.MinInt}.EffectiveWeight())
}

// However many virtual nodes are asked for, the ring stays within its bound
// and still follows the weights: the product of virtual nodes and weights
// must not overflow, in one instance or summed over all of them.
func TestConsistentHashHugeVirtualNodes(t *testing.T) {
	heavy := make([]int, 400)
	for i := range heavy {
		heavy[i] = discovery.MaxWeight
	}
	key := func(i int) string { return strconv.Itoa(i) }
	for _, v := range []int{math.MaxInt, 1 << 42} {
		t.Run(strconv.Itoa(v), func(t *testing.T) {
			b, _ := newBalancer(t, instances(400, heavy...), discovery.WithPolicy(discovery.ConsistentHash(v)))
			assert.Greater(t, len(count(t, b, 4000, key)), 300, "keys spread over the instances")

			b, _ = newBalancer(t, instances(2, discovery.MaxWeight, 1), discovery.WithPolicy(discovery.ConsistentHash(v)))
			got := count(t, b, 4000, key)
			assert.Greater(t, got["10.0.0.0:80"], 3900, "the heavy instance takes nearly every key: %v", got)
		})
	}
}
