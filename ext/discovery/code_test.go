package discovery_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/discovery"
)

// An RPC framework reads the status code of a call with nowhere to go by
// name, without importing this package.
func TestErrorsHaveAnRPCCode(t *testing.T) {
	for _, sentinel := range []error{discovery.ErrNoInstance, discovery.ErrConnection} {
		err := fmt.Errorf("call: %w", sentinel)
		var c interface{ RPCCode() string }
		assert.True(t, errors.As(err, &c), "%v", err)
		assert.Equal(t, "unavailable", c.RPCCode())
		assert.ErrorIs(t, err, sentinel)
	}
}
