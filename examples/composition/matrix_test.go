package composition

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// The sick instance of each case: one of three, the other two healthy.
const (
	dead     = "dead"     // nothing listens at its address
	slow     = "slow"     // it answers, late
	flapping = "flapping" // it goes down and comes back, at the same address
)

// The shape of every case: workers calling at once, in rounds; a flapping
// instance changes state between rounds, when no call is in flight.
const (
	workers        = 4
	callsPerWorker = 3
	rounds         = 8
	// A concurrency limit per instance, above which a call is rejected
	// before it is sent. With workers callers, at most one instance is
	// full when a call picks, so two retries always reach a free one.
	perInstanceLimit = 3
	retries          = 2
)

var policies = []struct {
	name   string
	policy func() discovery.Policy
}{
	{"round_robin", discovery.RoundRobin},
	{"weighted_random", discovery.WeightedRandom},
	{"smooth_weighted_round_robin", discovery.SmoothWeightedRoundRobin},
	{"p2c_peak_ewma", func() discovery.Policy { return discovery.PeakEWMA(0) }},
	{"consistent_hash", func() discovery.Policy { return discovery.ConsistentHash(0) }},
}

// TestMatrix runs every balancing policy, with a circuit breaker or a
// concurrency limit per instance under it, against one sick instance of
// three, over real volo servers on loopback. No user call may fail: the
// two healthy instances can serve every call, and whatever the sick one
// does is either a connection that cannot be made or a rejection that
// says the call was never sent, which the balancer sends elsewhere.
func TestMatrix(t *testing.T) {
	for _, p := range policies {
		for _, guard := range []string{"breaker", "limiter"} {
			for _, sick := range []string{dead, slow, flapping} {
				t.Run(p.name+"/"+guard+"/"+sick, func(t *testing.T) {
					runCase(t, p.policy(), guard, sick)
				})
			}
		}
	}
}

func runCase(t *testing.T, policy discovery.Policy, guard, sick string) {
	healthy := []*instance{startInstance(t, "a", 0), startInstance(t, "b", 0)}
	var ill *instance
	switch sick {
	case dead:
		ill = &instance{name: "ill", addr: freeAddr(t)}
	case slow:
		ill = startInstance(t, "ill", 20*time.Millisecond)
	case flapping:
		ill = startInstance(t, "ill", 0)
	}
	all := append(append([]*instance(nil), healthy...), ill)
	ins := make([]discovery.Instance, len(all))
	for i, in := range all {
		ins[i] = discovery.Instance{Addr: in.addr}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := discovery.NewBalancer(ctx, discovery.NewStatic(ins...), "Echo",
		discovery.WithPolicy(policy), discovery.WithRetries(retries))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })

	var breakers *circuitbreaker.Group[*thrift.Call, thrift.Struct]
	var perInstance thrift.Middleware
	if guard == "breaker" {
		breakers = circuitbreaker.NewGroup[*thrift.Call, thrift.Struct](instanceKey, nil,
			circuitbreaker.WithConsecutiveFailures(3), circuitbreaker.WithOpenTimeout(time.Minute))
		perInstance = breakers
	} else {
		perInstance = concurrencyPerInstance(perInstanceLimit)
	}
	c, err := client.New("Echo",
		client.WithBalancer(b),
		client.WithBalanceKey(func(_ context.Context, call *thrift.Call) string {
			return call.Args.(*echo.EchoEchoArgs).Msg
		}),
		client.WithInstanceMiddleware(perInstance),
	)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ec := &echo.EchoClient{Client: c}

	var failed atomic.Int64
	var firstErr atomic.Value
	answered := map[string]*atomic.Int64{"a": {}, "b": {}, "ill": {}}
	for round := range rounds {
		if sick == flapping && round > 0 {
			ill.toggle(t)
		}
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range callsPerWorker {
					msg := fmt.Sprintf("r%dw%dc%d", round, w, i)
					answer, err := ec.Echo(context.Background(), msg)
					if err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err)
						continue
					}
					who, _, _ := strings.Cut(strings.TrimPrefix(answer, msg+"@"), "@")
					if n := answered[who]; n != nil {
						n.Add(1)
					}
				}
			}()
		}
		wg.Wait()
	}
	if sick == flapping && !ill.up() {
		ill.toggle(t)
	}

	total := int64(rounds * workers * callsPerWorker)
	require.Zero(t, failed.Load(), "user calls failed while two healthy instances were up; first: %v", firstErr.Load())
	assert.Equal(t, total, answered["a"].Load()+answered["b"].Load()+answered["ill"].Load(), "every call answered by one of the instances")
	assert.Equal(t, answered["ill"].Load(), ill.served.Load(), "answers signed by the sick instance are the calls it served")
	if sick == dead {
		assert.Zero(t, answered["ill"].Load())
		if breakers != nil {
			snap, ok := breakers.Snapshot(ill.addr)
			require.True(t, ok, "the dead instance's breaker saw calls")
			assert.Equal(t, circuitbreaker.StateOpen, snap.State, "the dead instance's breaker opened")
		}
	}
}

func instanceKey(ctx context.Context, _ *thrift.Call) string {
	in, _ := discovery.InstanceFromContext(ctx)
	return in.Addr
}

// concurrencyPerInstance is an ext/ratelimit concurrency limit of n for
// each instance the balancer picks: its rejection says the call was not
// sent, so the balancer tries another instance.
func concurrencyPerInstance(n int) thrift.Middleware {
	return motore.LayerFn(func(next thrift.Service) thrift.Service {
		return &limitPerInstance{n: n, next: next, by: map[string]thrift.Service{}}
	})
}

type limitPerInstance struct {
	n    int
	next thrift.Service
	mu   sync.Mutex
	by   map[string]thrift.Service
}

func (l *limitPerInstance) Call(ctx context.Context, call *thrift.Call) (thrift.Struct, error) {
	key := instanceKey(ctx, call)
	l.mu.Lock()
	s := l.by[key]
	if s == nil {
		s = ratelimit.NewConcurrency[*thrift.Call, thrift.Struct](l.n).Layer(l.next)
		l.by[key] = s
	}
	l.mu.Unlock()
	return s.Call(ctx, call)
}

func (l *limitPerInstance) Describe() string {
	return fmt.Sprintf("concurrency per instance(%d)", l.n)
}

// instance is one echo server that signs its answers "msg@name", at a
// fixed loopback address so it can stop and start again.
type instance struct {
	name   string
	addr   string
	delay  time.Duration
	served atomic.Int64

	srv  *server.Server
	done chan struct{}
}

func startInstance(t *testing.T, name string, delay time.Duration) *instance {
	in := &instance{name: name, delay: delay}
	in.start(t)
	t.Cleanup(func() {
		if in.up() {
			in.stop(t)
		}
	})
	return in
}

func (in *instance) up() bool { return in.srv != nil }

func (in *instance) toggle(t *testing.T) {
	if in.up() {
		in.stop(t)
	} else {
		in.start(t)
	}
}

func (in *instance) start(t *testing.T) {
	t.Helper()
	addr := in.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	in.addr = ln.Addr().String()
	srv, err := server.New()
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		if in.delay > 0 {
			select {
			case <-time.After(in.delay):
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		in.served.Add(1)
		return msg + "@" + in.name, nil
	})))
	in.srv, in.done = srv, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		_ = srv.Serve(ln)
	}(in.done)
}

// stop shuts the server down gracefully, as a deploy does: pooled
// connections are told to go (crrst) and new requests on them are refused
// unrun, so the clients send them elsewhere.
func (in *instance) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	assert.NoError(t, in.srv.Shutdown(ctx))
	<-in.done
	in.srv = nil
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}
