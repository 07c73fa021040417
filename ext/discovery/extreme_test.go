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
