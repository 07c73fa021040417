// Package circuitbreaker stops calling a service that keeps failing, and
// lets a few probe calls through after a while to see whether it recovered.
//
// [New] returns one breaker for everything below it (a whole service);
// [NewGroup] keeps one breaker per key, chosen by a key function (per method,
// per instance), with a bounded set of keys that expire when idle and can be
// removed when an instance leaves. Both are motore middlewares built on
// github.com/sony/gobreaker/v2, which runs the open and half-open states; a
// closed breaker counts its calls itself, with one lock and one monotonic
// clock read per call and no allocation.
//
// A breaker trips on consecutive failures or on a failure rate over a rolling
// window with a minimum number of samples. Which results count is decided by
// a [Classifier]: by default a call the caller cancelled is ignored, an
// expired deadline is a failure, and errors marked with [MarkBusiness] are
// ignored. A rejected call fails at once with an error that satisfies
// errors.Is with [ErrOpen] or [ErrTooManyRequests] (and with gobreaker's own
// errors) and names the key. It says that the call was not made
// ([RejectedError.NotSent]), so a load balancer above a breaker per instance
// sends the call to another instance instead of failing it.
//
// See the package examples for runnable code.
package circuitbreaker
