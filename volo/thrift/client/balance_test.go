package client_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/volotest"
)

// namedServer starts an echo server on loopback TCP that signs its answers
// with name, and returns its address.
func namedServer(t *testing.T, name string) string {
	t.Helper()
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return msg + "@" + name, nil
	}))
	return ln.Addr().String()
}

// deadAddr returns a loopback address nothing listens on.
func deadAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

func balancerOver(t *testing.T, addrs []string, opts ...discovery.Option) *discovery.Balancer {
	t.Helper()
	ins := make([]discovery.Instance, len(addrs))
	for i, a := range addrs {
		ins[i] = discovery.Instance{Addr: a}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := discovery.NewBalancer(ctx, discovery.NewStatic(ins...), "Echo", opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func echoClient(t *testing.T, opts ...client.Option) *echo.EchoClient {
	t.Helper()
	c, err := client.New("Echo", opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &echo.EchoClient{Client: c}
}

// signer returns who answered msg.
func signer(t *testing.T, answer, msg string) string {
	t.Helper()
	who, ok := strings.CutPrefix(answer, msg+"@")
	require.True(t, ok, "answer %q", answer)
	return who
}

func TestBalancerSpreadsCallsOverInstances(t *testing.T) {
	a, b := namedServer(t, "a"), namedServer(t, "b")
	c := echoClient(t, client.WithBalancer(balancerOver(t, []string{a, b})))

	got := map[string]int{}
	for range 10 {
		answer, err := c.Echo(context.Background(), "hi")
		require.NoError(t, err)
		got[signer(t, answer, "hi")]++
	}
	assert.Equal(t, map[string]int{"a": 5, "b": 5}, got, "round robin by default")
	assert.Contains(t, c.Describe(), "loadbalance(round_robin over \"Echo\"")
}

func TestBalancerRetriesAConnectionThatCannotBeMade(t *testing.T) {
	dead, live := deadAddr(t), namedServer(t, "live")
	var (
		mu       sync.Mutex
		attempts []string
	)
	record := motore.MiddlewareFn("record", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		in, ok := discovery.InstanceFromContext(ctx)
		require.True(t, ok, "the instance is in the context under the balancer")
		mu.Lock()
		attempts = append(attempts, in.Addr)
		mu.Unlock()
		return next.Call(ctx, call)
	})
	c := echoClient(t,
		// No ejection, so that round robin keeps offering the dead instance.
		client.WithBalancer(balancerOver(t, []string{dead, live}, discovery.WithoutOutlierDetection())),
		client.WithInstanceMiddleware(record),
	)
	for range 4 {
		answer, err := c.Echo(context.Background(), "x")
		require.NoError(t, err, "the dead instance's failure is retried on the live one")
		assert.Equal(t, "live", signer(t, answer, "x"))
	}
	mu.Lock()
	defer mu.Unlock()
	// Round robin starts some calls on the dead instance; each such
	// attempt is followed by one on the live instance, which answers.
	deadTries := 0
	for i, a := range attempts {
		if a == dead {
			deadTries++
			require.Less(t, i+1, len(attempts), "attempts: %v", attempts)
			assert.Equal(t, live, attempts[i+1], "attempts: %v", attempts)
		}
	}
	assert.Positive(t, deadTries, "attempts: %v", attempts)
	assert.Len(t, attempts, 4+deadTries, "attempts: %v", attempts)
}

func TestBalancerDoesNotRetryACallThatReachedTheInstance(t *testing.T) {
	ln := volotest.ListenTCP(t)
	hangup := ln.Addr().String()
	done := make(chan struct{})
	go func() {
		// An instance that accepts, reads the request and hangs up.
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		buf := make([]byte, 64)
		_, _ = conn.Read(buf)
		_ = conn.Close()
	}()
	var attempts []string
	record := motore.MiddlewareFn("record", func(ctx context.Context, call *thrift.Call, next thrift.Service) (thrift.Struct, error) {
		in, _ := discovery.InstanceFromContext(ctx)
		attempts = append(attempts, in.Addr)
		return next.Call(ctx, call)
	})
	c := echoClient(t,
		client.WithBalancer(balancerOver(t, []string{hangup, namedServer(t, "other")})),
		client.WithInstanceMiddleware(record),
	)
	// Round robin reaches the hanging-up instance within two calls.
	for range 2 {
		attempts = nil
		_, err := c.Echo(context.Background(), "x")
		if err == nil {
			continue
		}
		assert.ErrorIs(t, err, volo.ErrConnection)
		assert.NotErrorIs(t, err, discovery.ErrConnection, "the request was sent: not safe to retry")
		assert.Equal(t, []string{hangup}, attempts, "no second attempt")
		<-done
		return
	}
	t.Fatal("no call reached the instance that hangs up")
}

func TestBalanceKeyKeepsAKeyOnOneInstance(t *testing.T) {
	addrs := []string{namedServer(t, "a"), namedServer(t, "b"), namedServer(t, "c")}
	type userKey struct{}
	c := echoClient(t,
		client.WithBalancer(balancerOver(t, addrs, discovery.WithPolicy(discovery.ConsistentHash(0)))),
		client.WithBalanceKey(func(ctx context.Context, _ *thrift.Call) string {
			return ctx.Value(userKey{}).(string)
		}),
	)
	seen := map[string]map[string]bool{}
	for _, user := range []string{"u1", "u2", "u3", "u4", "u5", "u6"} {
		seen[user] = map[string]bool{}
		for range 3 {
			answer, err := c.Echo(context.WithValue(context.Background(), userKey{}, user), "hi")
			require.NoError(t, err)
			seen[user][signer(t, answer, "hi")] = true
		}
	}
	instances := map[string]bool{}
	for user, who := range seen {
		assert.Len(t, who, 1, "user %s went to one instance", user)
		for w := range who {
			instances[w] = true
		}
	}
	assert.Greater(t, len(instances), 1, "different keys spread over instances")
}

func TestHostPortSkipsTheBalancer(t *testing.T) {
	a, direct := namedServer(t, "a"), namedServer(t, "direct")
	c := echoClient(t, client.WithBalancer(balancerOver(t, []string{a})))
	answer, err := c.Echo(context.Background(), "x", client.WithHostPort(direct))
	require.NoError(t, err)
	assert.Equal(t, "direct", signer(t, answer, "x"))
}

func TestBalancerWithNoInstanceFails(t *testing.T) {
	c := echoClient(t, client.WithBalancer(balancerOver(t, nil)), client.WithAddress(namedServer(t, "default")))
	_, err := c.Echo(context.Background(), "x")
	assert.ErrorIs(t, err, discovery.ErrNoInstance, "the default address is not a fallback for a balanced client")
}

func TestDialFailureMarksTheRequestNotSent(t *testing.T) {
	c := echoClient(t, client.WithAddress(deadAddr(t)))
	_, err := c.Echo(context.Background(), "x")
	assert.ErrorIs(t, err, volo.ErrConnection)
	assert.ErrorIs(t, err, discovery.ErrConnection)
	assert.True(t, discovery.IsConnectionError(err))
	assert.False(t, errors.Is(err, volo.ErrTimeout))
}
