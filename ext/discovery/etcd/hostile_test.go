package etcd_test

import (
	"math"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/discovery/etcd"
)

// A service name may hold "/", which puts its keys under the prefix of the
// service its name starts with: "echo/admin" lives under "echo/". Those keys
// belong to "echo/admin" alone; listing or watching "echo" must not route
// its calls there.
func TestServiceNamesWithSlashesStayApart(t *testing.T) {
	srv := startEtcd(t)
	cli := srv.newClient()
	reg := etcd.NewRegistry(cli, etcd.WithTTL(ttl))
	defer closeRegistry(reg)
	ctx := timeout(t, 10*time.Second)

	echo := discovery.Instance{Addr: "10.0.0.1:80"}
	sock := discovery.Instance{Addr: "/run/echo.sock"} // an address that holds "/" itself
	admin := discovery.Instance{Addr: "10.0.0.9:80"}
	require.NoError(t, reg.Register(ctx, "echo", echo))
	require.NoError(t, reg.Register(ctx, "echo", sock))
	require.NoError(t, reg.Register(ctx, "echo/admin", admin))

	d := etcd.NewDiscoverer(cli)
	got, err := d.Resolve(ctx, "echo")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{echo.Addr, sock.Addr}, addrsOf(got))
	got, err = d.Resolve(ctx, "echo/admin")
	require.NoError(t, err)
	assert.Equal(t, []string{admin.Addr}, addrsOf(got))

	bal, err := discovery.NewBalancer(ctx, d, "echo")
	require.NoError(t, err)
	defer bal.Close()
	require.NoError(t, reg.Register(ctx, "echo/admin", discovery.Instance{Addr: "10.0.0.10:80"}))
	later := discovery.Instance{Addr: "10.0.0.2:80"}
	require.NoError(t, reg.Register(ctx, "echo", later))
	// The watch delivers events in order: once the later instance of echo
	// is in, the earlier one of echo/admin has been seen too.
	want := []string{sock.Addr, echo.Addr, later.Addr}
	sort.Strings(want)
	require.Eventually(t, func() bool { return len(bal.Instances()) >= 3 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, want, addrsOf(bal.Instances()))
}

// A TTL longer than etcd grants, up to the largest Duration, counts as the
// longest lease etcd grants: it must neither fail the registration nor
// wrap around to the shortest lease.
func TestHugeTTLGrantsTheLongestLease(t *testing.T) {
	srv := startEtcd(t)
	cli := srv.newClient()
	ctx := timeout(t, 10*time.Second)
	for _, d := range []time.Duration{math.MaxInt64, etcd.MaxTTL + time.Second, etcd.MaxTTL} {
		reg := etcd.NewRegistry(cli, etcd.WithTTL(d))
		require.NoError(t, reg.Register(ctx, "echo", discovery.Instance{Addr: "10.0.0.1:80"}), "ttl %v", d)
		resp, err := cli.Get(ctx, "/volo/services/echo/10.0.0.1:80")
		require.NoError(t, err)
		require.Len(t, resp.Kvs, 1)
		lease, err := cli.TimeToLive(ctx, clientv3.LeaseID(resp.Kvs[0].Lease))
		require.NoError(t, err)
		assert.Equal(t, int64(etcd.MaxTTL/time.Second), lease.GrantedTTL, "ttl %v", d)
		require.NoError(t, reg.Close(ctx))
	}
}
