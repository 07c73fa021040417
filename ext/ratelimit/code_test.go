package ratelimit_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/ext/ratelimit"
)

// An RPC framework reads a rejection's status code by name, without
// importing this package.
func TestRejectionHasAnRPCCode(t *testing.T) {
	var err error = fmt.Errorf("call: %w", &ratelimit.LimitedError{Limiter: "rate"})
	var c interface{ RPCCode() string }
	assert.True(t, errors.As(err, &c))
	assert.Equal(t, "resource_exhausted", c.RPCCode())
}
