//go:build race

package conformance_test

// race is whether the tests run under the race detector; the programs
// under test are built with it too then.
const race = true
