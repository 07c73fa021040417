// Package ratelimit holds motore middlewares that keep a service within its
// capacity:
//
//   - [Rate]: a token bucket on golang.org/x/time/rate, rejecting at once or
//     waiting for a token up to the context's deadline ([WithWait]);
//   - [NewKeyed]: a token bucket per key (caller, method, tenant), holding a
//     bounded number of keys;
//   - [NewConcurrency]: at most N calls in flight, with an optional bounded
//     queue ([WithQueue]);
//   - [NewAdaptive]: a concurrency limit that finds itself from latency and
//     errors, with the [AIMD] or [Gradient] algorithm.
//
// Every rejection is a *[LimitedError]: errors.Is(err, [ErrLimited]) holds,
// [RetryAfter] reads its hint, and [WithOnReject] reports it, with its key,
// to whatever metrics the caller uses. It says that the call was not made
// ([LimitedError.NotSent]), so a load balancer above a limit per instance
// sends the call to another instance.
//
// See the package examples for runnable code.
package ratelimit
