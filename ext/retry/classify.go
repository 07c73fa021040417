package retry

import (
	"context"
	"slices"
)

// Classifier decides whether the result of an attempt is a failure to
// retry, from the caller's context, the response, the error and the policy
// of the call's method. It sees the response too, so a reply that carries
// a failure status of its own can be retried. It runs after every attempt
// when set, so it should be quick.
//
// Whatever it says, a layer never retries after the caller's context
// ended, nor an error that says not to (see [DoNotRetry]) unless
// [WithoutOverloadStop] is given.
type Classifier[Resp any] func(ctx context.Context, resp Resp, err error, p Policy) bool

// ClassifyError is the default classification, which looks at the error
// alone. It retries:
//   - a call that was never sent ([NotSent]): it cannot have run;
//   - a timeout (context.DeadlineExceeded, which volo's and motore's
//     timeouts match, or a peer's "deadline_exceeded"), if p.Idempotent.
//
// It retries nothing after the caller's context ended, and no other error:
// a call that reached the server may have run there.
func ClassifyError(ctx context.Context, err error, p Policy) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	if NotSent(err) {
		return true
	}
	return p.Idempotent && isTimeout(err)
}

// RetryOnCodes returns a classifier that retries what [ClassifyError] does
// and, as gRPC's retryableStatusCodes do, any error whose RPC code (see
// [CodeOf]) is one of codes, such as "unavailable": use it for methods that
// are safe to run twice, or for codes that say the call did not run.
func RetryOnCodes[Resp any](codes ...string) Classifier[Resp] {
	codes = slices.Clone(codes)
	return func(ctx context.Context, _ Resp, err error, p Policy) bool {
		if ClassifyError(ctx, err, p) {
			return true
		}
		return err != nil && ctx.Err() == nil && slices.Contains(codes, CodeOf(err))
	}
}
