package retry

import (
	"context"
	"strconv"

	"github.com/govolo/volo/metainfo"
)

// MetainfoKey is the persistent metainfo key that marks a retried or hedged
// attempt, with the attempt's number after the first ("1" for the first
// retry) as its value. It is Kitex's key ("RetryReq", sent as
// RPC_PERSIST_RetryReq in TTHeader), so chain stop works across volo-go and
// Kitex services. Being persistent, it reaches every service below the
// retried one, none of which then retries its own calls for that request.
const MetainfoKey = "RetryReq"

// retryNumbers are the flag values, made once so marking an attempt
// allocates only its context.
var retryNumbers = func() (s [MaxAttempts]string) {
	for i := range s {
		s[i] = strconv.Itoa(i)
	}
	return s
}()

// mark returns ctx for attempt n (0 for the first): from the second on it
// carries the flag.
func mark(ctx context.Context, n int) context.Context {
	if n == 0 {
		return ctx
	}
	return metainfo.WithPersistentValue(ctx, MetainfoKey, retryNumbers[min(n, MaxAttempts-1)])
}

// Retried reports whether the request being served is a retry or a hedge
// sent by a layer upstream (in this process or a caller's, read from
// metainfo), and which attempt it is (1 for the first retry). A server can
// log it; this package's layers stop there.
func Retried(ctx context.Context) (attempt int, ok bool) {
	v, ok := metainfo.GetPersistentValue(ctx, MetainfoKey)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		// Another implementation's value: a retry all the same.
		n = 1
	}
	return n, true
}

// flagged reports whether ctx carries the flag, allocating nothing.
func flagged(ctx context.Context) bool {
	_, ok := metainfo.GetPersistentValue(ctx, MetainfoKey)
	return ok
}
