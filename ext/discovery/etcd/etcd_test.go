package etcd_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/goleak"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/discovery/etcd"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const ttl = 2 * time.Second // etcd's shortest lease with default timings

func timeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func addrsOf(ins []discovery.Instance) []string {
	out := make([]string, 0, len(ins))
	for _, in := range ins {
		out = append(out, in.Addr)
	}
	return out
}

// leaseOf returns the lease of the one instance registered under service.
func leaseOf(ctx context.Context, t *testing.T, cli *clientv3.Client, service string) clientv3.LeaseID {
	t.Helper()
	resp, err := cli.Get(ctx, etcd.DefaultPrefix+service+"/", clientv3.WithPrefix())
	require.NoError(t, err)
	require.Len(t, resp.Kvs, 1)
	require.NotZero(t, resp.Kvs[0].Lease, "the registration has a lease")
	return clientv3.LeaseID(resp.Kvs[0].Lease)
}

func TestRegisteredInstanceResolves(t *testing.T) {
	srv := startEtcd(t)
	cli := srv.newClient()
	reg := etcd.NewRegistry(cli, etcd.WithTTL(ttl))
	defer closeRegistry(reg)
	ctx := timeout(t, 10*time.Second)

	in := discovery.Instance{Addr: "10.0.0.1:8888", Weight: 30, Tags: map[string]string{"zone": "east"}}
	require.NoError(t, reg.Register(ctx, "echo", in))
	require.NoError(t, reg.Register(ctx, "echo-admin", discovery.Instance{Addr: "10.0.0.9:1"}))

	d := etcd.NewDiscoverer(cli)
	got, err := d.Resolve(ctx, "echo")
	require.NoError(t, err)
	assert.Equal(t, []discovery.Instance{in}, got, "a service never lists another whose name it prefixes")

	require.NoError(t, reg.Deregister(ctx, "echo", in))
	got, err = d.Resolve(ctx, "echo")
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Error(t, reg.Register(ctx, "", in))

	require.NoError(t, reg.Register(ctx, "echo", in))
	require.NoError(t, reg.Close(ctx))
	got, err = d.Resolve(ctx, "echo")
	require.NoError(t, err)
	assert.Empty(t, got, "Close deregisters")
	assert.ErrorIs(t, reg.Register(ctx, "echo", in), discovery.ErrClosed)
}

func TestWatcherSeesAddedAndRemovedInstances(t *testing.T) {
	srv := startEtcd(t)
	cli := srv.newClient()
	reg := etcd.NewRegistry(cli, etcd.WithTTL(ttl))
	defer closeRegistry(reg)
	ctx := timeout(t, 10*time.Second)
	a, b := discovery.Instance{Addr: "10.0.0.1:80"}, discovery.Instance{Addr: "10.0.0.2:80"}
	require.NoError(t, reg.Register(ctx, "echo", a))

	bal, err := discovery.NewBalancer(ctx, etcd.NewDiscoverer(cli), "echo")
	require.NoError(t, err)
	defer bal.Close()
	assert.Equal(t, []string{a.Addr}, addrsOf(bal.Instances()))

	require.NoError(t, reg.Register(ctx, "echo", b))
	added := time.Now()
	require.Eventually(t, func() bool { return len(bal.Instances()) == 2 }, time.Second, 5*time.Millisecond)
	t.Logf("addition seen after %v", time.Since(added))

	require.NoError(t, reg.Deregister(ctx, "echo", a))
	removed := time.Now()
	require.Eventually(t, func() bool {
		ins := bal.Instances()
		return len(ins) == 1 && ins[0].Addr == b.Addr
	}, time.Second, 5*time.Millisecond)
	t.Logf("removal seen after %v", time.Since(removed))
}

func TestInstanceExpiresWhenKeepAliveStops(t *testing.T) {
	srv := startEtcd(t)
	ctx := timeout(t, 20*time.Second)
	// The registering process has its own client; closing it stops the
	// keep-alive as the process's death would, without revoking the lease.
	procCli := srv.newClient()
	reg := etcd.NewRegistry(procCli, etcd.WithTTL(ttl))
	defer closeRegistry(reg)
	in := discovery.Instance{Addr: "10.0.0.1:80"}
	require.NoError(t, reg.Register(ctx, "echo", in))

	d := etcd.NewDiscoverer(srv.newClient())
	// The keep-alive works: the instance is there at every look until its
	// first lease would have run out (etcd expires leases every 500ms).
	for until := time.Now().Add(ttl + 500*time.Millisecond); time.Now().Before(until); {
		got, err := d.Resolve(ctx, "echo")
		require.NoError(t, err)
		require.Len(t, got, 1, "the keep-alive renews the lease")
		time.Sleep(100 * time.Millisecond) // paces the looks
	}

	require.NoError(t, procCli.Close())
	stopped := time.Now()
	got, err := d.Resolve(ctx, "echo")
	require.NoError(t, err)
	assert.Len(t, got, 1, "the instance stays until its lease runs out")
	// etcd checks for expired leases every 500ms.
	require.Eventually(t, func() bool {
		got, err := d.Resolve(ctx, "echo")
		return err == nil && len(got) == 0
	}, ttl+500*time.Millisecond, 20*time.Millisecond)
	t.Logf("gone %v after the keep-alive stopped (ttl %v)", time.Since(stopped), ttl)
}

func TestEtcdRestart(t *testing.T) {
	srv := startEtcd(t)
	ctx := timeout(t, 60*time.Second)
	cli := srv.newClient()
	reg := etcd.NewRegistry(cli, etcd.WithTTL(ttl))
	defer closeRegistry(reg)
	in := discovery.Instance{Addr: "10.0.0.1:80"}
	require.NoError(t, reg.Register(ctx, "echo", in))

	bal, err := discovery.NewBalancer(ctx, etcd.NewDiscoverer(srv.newClient()), "echo")
	require.NoError(t, err)
	defer bal.Close()
	require.Equal(t, []string{in.Addr}, addrsOf(bal.Instances()))
	before := leaseOf(ctx, t, cli, "echo")

	srv.stop()
	// Down for longer than the TTL: the client gives the lease up.
	deadline := time.Now().Add(2 * ttl)
	for time.Now().Before(deadline) {
		p, err := bal.Pick("")
		require.NoError(t, err, "the last known instances keep serving")
		assert.Equal(t, in.Addr, p.Instance().Addr)
		p.Done(nil)
		time.Sleep(100 * time.Millisecond)
	}

	srv.start()
	restarted := time.Now()
	d := etcd.NewDiscoverer(cli)
	require.Eventually(t, func() bool {
		c, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		got, err := d.Resolve(c, "echo")
		return err == nil && len(got) == 1
	}, 20*time.Second, 50*time.Millisecond)
	t.Logf("registration back %v after the restart", time.Since(restarted))
	// The registration is alive again on a lease of its own: the lease from
	// before the restart runs out (etcd gives restored leases a full TTL)
	// and the instance stays.
	require.Eventually(t, func() bool {
		c, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		r, err := cli.TimeToLive(c, before)
		return err == nil && r.TTL == -1
	}, 20*time.Second, 50*time.Millisecond, "the lease from before the restart expires")
	after := leaseOf(ctx, t, cli, "echo")
	assert.NotEqual(t, before, after, "registered again on a new lease")
	r, err := cli.TimeToLive(ctx, after)
	require.NoError(t, err)
	assert.Positive(t, r.TTL, "the new lease is kept alive")
	got, err := d.Resolve(ctx, "echo")
	require.NoError(t, err)
	assert.Equal(t, []string{in.Addr}, addrsOf(got))
	assert.Equal(t, []string{in.Addr}, addrsOf(bal.Instances()))
}

func TestRegistrationComesBackAfterLeaseRevoked(t *testing.T) {
	srv := startEtcd(t)
	ctx := timeout(t, 20*time.Second)
	cli := srv.newClient()
	var mu sync.Mutex
	var bgErrs []error
	reg := etcd.NewRegistry(cli, etcd.WithTTL(ttl), etcd.WithPrefix("/custom"), etcd.WithErrorHandler(func(err error) {
		mu.Lock()
		defer mu.Unlock()
		bgErrs = append(bgErrs, err)
	}))
	defer closeRegistry(reg)
	in := discovery.Instance{Addr: "10.0.0.1:80"}
	require.NoError(t, reg.Register(ctx, "echo", in))

	// An operator (or etcd itself, after an outage) drops the lease.
	admin := srv.newClient()
	resp, err := admin.Get(ctx, "/custom/echo/10.0.0.1:80")
	require.NoError(t, err)
	require.Len(t, resp.Kvs, 1)
	oldLease := clientv3.LeaseID(resp.Kvs[0].Lease)
	_, err = admin.Revoke(ctx, oldLease)
	require.NoError(t, err)

	require.Eventually(t, func() bool {
		resp, err := admin.Get(ctx, "/custom/echo/10.0.0.1:80")
		return err == nil && len(resp.Kvs) == 1 && clientv3.LeaseID(resp.Kvs[0].Lease) != oldLease
	}, 10*time.Second, 20*time.Millisecond, "registered again under a new lease")
	mu.Lock()
	assert.NotEmpty(t, bgErrs, "the loss was reported")
	mu.Unlock()
	got, err := etcd.NewDiscoverer(admin, etcd.WithPrefix("/custom/")).Resolve(ctx, "echo")
	require.NoError(t, err)
	assert.Equal(t, []string{in.Addr}, addrsOf(got))
}

// closeRegistry closes reg within a bounded time, so that a test reports a
// slow deregistration instead of hanging on it.
func closeRegistry(reg *etcd.Registry) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = reg.Close(ctx)
}
