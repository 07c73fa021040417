package client_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// retryOnce is the simplest retry layer: a failed call is sent once more,
// marked in persistent metainfo as ext/retry marks its retries.
var retryOnce = motore.MiddlewareFn("retry-once", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
	res, err := next.Call(ctx, call)
	if err == nil {
		return res, nil
	}
	return next.Call(metainfo.WithPersistentValue(ctx, "RetryReq", "1"), call)
})

// failingServer starts an echo server whose calls all fail.
func failingServer(t *testing.T) string {
	t.Helper()
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(context.Context, string) (string, error) {
		return "", volo.Errorf(volo.CodeUnavailable, "down")
	}))
	return ln.Addr().String()
}

// Under WithRetry a retry goes to another instance than the one that
// failed, even where the balancer would pick the same one again (a
// consistent hash of one key); in WithMiddleware it does not.
func TestWithRetrySendsTheRetryToAnotherInstance(t *testing.T) {
	addrs := []string{failingServer(t), namedServer(t, "ok")}
	hashed := func() client.Option {
		return client.WithBalancer(balancerOver(t, addrs, discovery.WithPolicy(discovery.ConsistentHash(0))))
	}
	// Find a key whose instance is the failing one.
	probe := echoClient(t, hashed(), client.WithBalanceKey(func(ctx context.Context, _ *thrift.Call) string { return ctx.Value(keyOf{}).(string) }))
	var key string
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		if _, err := probe.Echo(context.WithValue(context.Background(), keyOf{}, k), "x"); err != nil {
			key = k
			break
		}
	}
	require.NotEmpty(t, key)
	ctx := context.WithValue(context.Background(), keyOf{}, key)
	byKey := client.WithBalanceKey(func(ctx context.Context, _ *thrift.Call) string { return ctx.Value(keyOf{}).(string) })

	plain := echoClient(t, hashed(), byKey, client.WithMiddleware(retryOnce))
	_, err := plain.Echo(ctx, "x")
	require.Error(t, err, "above the balancer's scope, the retry hashes to the same instance")

	c := echoClient(t, hashed(), byKey, client.WithRetry(retryOnce))
	answer, err := c.Echo(ctx, "x")
	require.NoError(t, err)
	assert.Equal(t, "ok", signer(t, answer, "x"))
	assert.Contains(t, c.Describe(), "avoid-tried-instances -> retry-once -> loadbalance(")
}

type keyOf struct{}

// The mark of a retried call crosses a real hop: the server puts it in the
// handler's context, and the handler's own calls send it on.
func TestRetryMarkCrossesAHop(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	bottom := volotest.ListenTCP(t)
	thrifttest.StartServer(t, bottom, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		v, _ := metainfo.GetPersistentValue(ctx, "RetryReq")
		mu.Lock()
		seen = append(seen, v)
		mu.Unlock()
		return msg, nil
	}))
	down := echoClient(t, client.WithAddress(bottom.Addr().String()))
	first := true
	mid := volotest.ListenTCP(t)
	thrifttest.StartServer(t, mid, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		mu.Lock()
		fail := first
		first = false
		mu.Unlock()
		if _, err := down.Echo(ctx, msg); err != nil {
			return "", err
		}
		if fail {
			return "", errors.New("first attempt fails")
		}
		return msg, nil
	}))
	top := echoClient(t, client.WithAddress(mid.Addr().String()), client.WithRetry(retryOnce))
	_, err := top.Echo(context.Background(), "x")
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"", "1"}, seen, "the second call of the middle service carries the mark")
}

// A hedging layer gives its second attempt a CloneCall; the client copies
// the result of the attempt that answered into the caller's.
func TestCloneCallAndTheWinnersResult(t *testing.T) {
	addr := namedServer(t, "a")
	var orig, clone *thrift.Call
	// The clone answers; the caller's own result is never decoded into.
	secondAnswers := motore.MiddlewareFn("second", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		orig, clone = call, client.CloneCall(call)
		return next.Call(ctx, clone)
	})
	c := echoClient(t, client.WithAddress(addr), client.WithRetry(secondAnswers))
	answer, err := c.Echo(context.Background(), "x")
	require.NoError(t, err)
	assert.Equal(t, "x@a", answer)
	require.NotNil(t, clone)
	assert.NotSame(t, orig.Result, clone.Result, "a result of its own")
	assert.Same(t, orig.Args, clone.Args)
	assert.IsType(t, &echo.EchoEchoResult{}, clone.Result)

	oneway := &thrift.Call{Method: "notify", Desc: echo.ShoutNotifyMethod}
	assert.Nil(t, client.CloneCall(oneway).Result)
}

// A retry layer that imports nothing of ext/discovery knows that a call
// whose connection could not be made was never sent.
func TestDialFailureSaysNotSent(t *testing.T) {
	c := echoClient(t, client.WithAddress(deadAddr(t)))
	_, err := c.Echo(context.Background(), "x")
	var ns interface{ NotSent() bool }
	require.True(t, errors.As(err, &ns))
	assert.True(t, ns.NotSent())

	c = echoClient(t, client.WithAddress(failingServer(t)))
	_, err = c.Echo(context.Background(), "x")
	assert.False(t, errors.As(err, &ns), "a call that reached the server was sent")
}
