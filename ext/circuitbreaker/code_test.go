package circuitbreaker_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/circuitbreaker"
)

// An RPC framework reads a rejection's status code by name, without
// importing this package.
func TestRejectionHasAnRPCCode(t *testing.T) {
	var err error = fmt.Errorf("call: %w", &circuitbreaker.RejectedError{Err: circuitbreaker.ErrOpen})
	var c interface{ RPCCode() string }
	assert.True(t, errors.As(err, &c))
	assert.Equal(t, "unavailable", c.RPCCode())
}
