package discovery_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
)

func addrs(ins []discovery.Instance) []string {
	out := make([]string, len(ins))
	for i, in := range ins {
		out[i] = in.Addr
	}
	return out
}

func TestDNSResolvesHostPort(t *testing.T) {
	srv := startDNS(t)
	srv.setHost("api.volo.test.", "10.0.0.2", "10.0.0.1", "fd00::1")
	d := discovery.NewDNS(discovery.WithResolver(srv.resolver()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	ins, err := d.Resolve(ctx, "api.volo.test.:8080")
	require.NoError(t, err)
	assert.Equal(t, []string{"10.0.0.1:8080", "10.0.0.2:8080", "[fd00::1]:8080"}, addrs(ins))
	for _, in := range ins {
		assert.Equal(t, discovery.DefaultWeight, in.Weight)
	}

	_, err = d.Resolve(ctx, "missing.volo.test.:8080")
	assert.Error(t, err)
	_, err = d.Resolve(ctx, "no-port.volo.test")
	assert.ErrorIs(t, err, discovery.ErrBadTarget)
	_, err = d.Resolve(ctx, "api.volo.test.:99999")
	assert.ErrorIs(t, err, discovery.ErrBadTarget)
	ins, err = d.Resolve(ctx, "127.0.0.1:9")
	require.NoError(t, err)
	assert.Equal(t, []string{"127.0.0.1:9"}, addrs(ins))
}

func TestDNSResolvesSRV(t *testing.T) {
	s := startDNS(t)
	s.setSRV("_api._tcp.volo.test.",
		srv{priority: 10, weight: 60, port: 9000, target: "a.volo.test."},
		srv{priority: 10, weight: 0, port: 9001, target: "b.volo.test."},
		srv{priority: 20, weight: 100, port: 9002, target: "backup.volo.test."},
	)
	s.setHost("a.volo.test.", "10.0.1.1")
	s.setHost("b.volo.test.", "10.0.1.2", "10.0.1.3")
	s.setHost("backup.volo.test.", "10.0.9.9")
	d := discovery.NewDNS(discovery.WithResolver(s.resolver()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ins, err := d.Resolve(ctx, "_api._tcp.volo.test.")
	require.NoError(t, err)
	assert.Equal(t, []discovery.Instance{
		{Addr: "10.0.1.1:9000", Weight: 60},
		{Addr: "10.0.1.2:9001", Weight: 1},
		{Addr: "10.0.1.3:9001", Weight: 1},
	}, ins, "only the best priority, weight 0 counted as 1")
}

func TestDNSWatchSeesChanges(t *testing.T) {
	s := startDNS(t)
	s.setHost("api.volo.test.", "10.0.0.1")
	d := discovery.NewDNS(discovery.WithResolver(s.resolver()), discovery.WithRefresh(20*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := discovery.NewBalancer(ctx, d, "api.volo.test.:80")
	require.NoError(t, err)
	defer b.Close()
	assert.Equal(t, []string{"10.0.0.1:80"}, addrs(b.Instances()))

	s.setHost("api.volo.test.", "10.0.0.1", "10.0.0.2")
	require.Eventually(t, func() bool { return len(b.Instances()) == 2 }, 5*time.Second, 5*time.Millisecond)
	s.setHost("api.volo.test.", "10.0.0.2")
	require.Eventually(t, func() bool { return len(b.Instances()) == 1 }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, []string{"10.0.0.2:80"}, addrs(b.Instances()))
}

func TestDNSWatcherStopsOnClose(t *testing.T) {
	s := startDNS(t)
	s.setHost("api.volo.test.", "10.0.0.1")
	d := discovery.NewDNS(discovery.WithResolver(s.resolver()), discovery.WithRefresh(time.Hour))
	w, err := d.Watch(context.Background(), "api.volo.test.:80")
	require.NoError(t, err)
	ins, err := w.Next(context.Background())
	require.NoError(t, err)
	assert.Len(t, ins, 1)
	// Close once Next waits for the refresh: it reads ctx.Done() only there.
	ctx := &doneWatched{Context: context.Background(), waiting: make(chan struct{})}
	go func() {
		<-ctx.waiting
		_ = w.Close()
	}()
	_, err = w.Next(ctx)
	assert.ErrorIs(t, err, discovery.ErrClosed)
	_, err = w.Next(context.Background())
	assert.ErrorIs(t, err, discovery.ErrClosed, "and every Next after Close")
}

// doneWatched closes waiting the first time Done is called: the moment a
// call given it starts to wait on the context.
type doneWatched struct {
	context.Context
	once    sync.Once
	waiting chan struct{}
}

func (c *doneWatched) Done() <-chan struct{} {
	c.once.Do(func() { close(c.waiting) })
	return c.Context.Done()
}

func TestStaticWatcher(t *testing.T) {
	st := discovery.NewStatic(instances(1)...)
	w, err := st.Watch(context.Background(), "any")
	require.NoError(t, err)
	defer w.Close()
	ins, err := w.Next(context.Background())
	require.NoError(t, err)
	assert.Len(t, ins, 1)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = w.Next(ctx)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "no change, no answer")

	st.Set(instances(3)...)
	ins, err = w.Next(context.Background())
	require.NoError(t, err)
	assert.Len(t, ins, 3)
	resolved, err := st.Resolve(context.Background(), "other")
	require.NoError(t, err)
	assert.Equal(t, ins, resolved)
	require.NoError(t, w.Close())
	_, err = w.Next(context.Background())
	assert.ErrorIs(t, err, discovery.ErrClosed)
}

func TestSameInstances(t *testing.T) {
	a := []discovery.Instance{{Addr: "x", Weight: 0}, {Addr: "y", Tags: map[string]string{"k": "v"}}}
	b := []discovery.Instance{{Addr: "y", Tags: map[string]string{"k": "v"}}, {Addr: "x", Weight: discovery.DefaultWeight}}
	assert.True(t, discovery.SameInstances(a, b))
	b[0].Tags = map[string]string{"k": "w"}
	assert.False(t, discovery.SameInstances(a, b))
	assert.False(t, discovery.SameInstances(a, a[:1]))
}

// An SRV answer is only as good as its worst record unless bad records are
// skipped: a target removed from the DNS before its SRV record, a "." (the
// service is not there, RFC 2782) or a name that is not a host name must
// not hide the instances of the other records.
func TestDNSSRVSkipsTargetsWithoutAddresses(t *testing.T) {
	s := startDNS(t)
	s.setSRV("_api._tcp.volo.test.",
		srv{priority: 10, weight: 10, port: 9000, target: "a.volo.test."},
		srv{priority: 10, weight: 10, port: 9001, target: "gone.volo.test."},
		srv{priority: 10, weight: 10, port: 9002, target: "."},
		srv{priority: 10, weight: 10, port: 9003, target: "bad name!.volo.test."},
	)
	s.setSRV("_none._tcp.volo.test.", srv{priority: 0, weight: 0, port: 0, target: "."})
	s.setHost("a.volo.test.", "10.0.1.1")
	d := discovery.NewDNS(discovery.WithResolver(s.resolver()))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ins, err := d.Resolve(ctx, "_api._tcp.volo.test.")
	require.NoError(t, err)
	assert.Equal(t, []discovery.Instance{{Addr: "10.0.1.1:9000", Weight: 10}}, ins)

	ins, err = d.Resolve(ctx, "_none._tcp.volo.test.")
	require.NoError(t, err)
	assert.Empty(t, ins, "a lone \".\" means no instance")
}
