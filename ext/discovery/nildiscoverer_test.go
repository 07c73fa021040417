package discovery_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/discovery"
)

func TestNewBalancerRefusesANilDiscoverer(t *testing.T) {
	b, err := discovery.NewBalancer(context.Background(), nil, "Echo")
	assert.ErrorIs(t, err, discovery.ErrNilDiscoverer)
	assert.Nil(t, b)
}
