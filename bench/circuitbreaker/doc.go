// Package circuitbreaker compares a call through volo's circuit breaker
// layers with go-kit's circuitbreaker.Gobreaker and with gobreaker v2 used
// directly, in the same benchmark run: the closed path, the rejection path,
// and the cost of finding a key's breaker in a group.
package circuitbreaker
