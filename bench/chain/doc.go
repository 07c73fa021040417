// Package chain compares the cost of a call through a stack of pass-through
// middlewares in motore, go-kit's endpoint.Chain and go-grpc-middleware's
// ChainUnaryServer, in the same benchmark run.
package chain
