//go:build race

package server_test

// raceEnabled is true when the tests run under the race detector, which
// makes moving hundreds of megabytes slow.
const raceEnabled = true
