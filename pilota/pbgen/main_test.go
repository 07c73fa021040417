package pbgen_test

import (
	"testing"

	"go.uber.org/goleak"
)

// protocompile compiles on goroutines of its own: none may outlive Load.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
