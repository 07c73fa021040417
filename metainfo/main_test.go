package metainfo_test

import (
	"flag"
	"os"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.fuzz"); f != nil && f.Value.String() != "" {
		// The fuzzing engine's own goroutines outlive the tests.
		os.Exit(m.Run())
	}
	goleak.VerifyTestMain(m)
}
