// Package discovery compares picking an instance among 100 with the
// discovery module's Balancer and with go-kit's sd/lb balancers, in the same
// benchmark run.
package discovery
