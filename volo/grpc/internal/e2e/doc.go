// Package e2e holds tests of volo's gRPC client against volo's gRPC
// server, and of both with TLS.
package e2e
