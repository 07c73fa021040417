package motore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/motore"
)

// RPC frameworks read the status codes of motore's errors by name,
// without importing motore.
func TestErrorsHaveAnRPCCode(t *testing.T) {
	for err, want := range map[error]string{
		fmt.Errorf("%w after 1s", motore.ErrTimeout): "deadline_exceeded",
		&motore.PanicError{Value: "boom"}:            "internal",
	} {
		var c interface{ RPCCode() string }
		assert.True(t, errors.As(err, &c), "%v", err)
		assert.Equal(t, want, c.RPCCode())
	}
}
