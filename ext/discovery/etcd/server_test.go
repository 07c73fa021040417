package etcd_test

import (
	"errors"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
)

// etcdServer is a real single-member etcd running in the test process on
// loopback ports, restartable on the same data dir and ports.
type etcdServer struct {
	t          *testing.T
	dir        string
	client     url.URL
	peer       url.URL
	e          *embed.Etcd
	startCount int
}

func startEtcd(t *testing.T) *etcdServer {
	t.Helper()
	s := &etcdServer{t: t, dir: t.TempDir()}
	t.Cleanup(s.stop)
	// A port free when freeURL looked may be taken by another test process
	// before etcd binds it: the first start picks new ports then. Restarts
	// keep theirs.
	for attempt := 1; ; attempt++ {
		s.client, s.peer = freeURL(t), freeURL(t)
		err := s.tryStart()
		if err == nil {
			return s
		}
		if !errors.Is(err, syscall.EADDRINUSE) || attempt == 5 {
			require.NoError(t, err)
		}
		// A failed start may leave files behind.
		s.dir = t.TempDir()
	}
}

// freeURL returns an http URL on a loopback port free right now.
func freeURL(t *testing.T) url.URL {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return url.URL{Scheme: "http", Host: addr}
}

func (s *etcdServer) start() {
	s.t.Helper()
	require.NoError(s.t, s.tryStart())
}

// tryStart starts etcd on s's ports and data dir.
func (s *etcdServer) tryStart() error {
	s.t.Helper()
	cfg := embed.NewConfig()
	cfg.Dir = s.dir
	cfg.ListenClientUrls = []url.URL{s.client}
	cfg.AdvertiseClientUrls = []url.URL{s.client}
	cfg.ListenPeerUrls = []url.URL{s.peer}
	cfg.AdvertisePeerUrls = []url.URL{s.peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	cfg.UnsafeNoFsync = true // a test's data dir need not survive a crash
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return err
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(20 * time.Second):
		e.Close()
		s.t.Fatal("etcd did not become ready")
	}
	s.e = e
	s.startCount++
	return nil
}

func (s *etcdServer) stop() {
	if s.e != nil {
		// The server stops applying at once, as a crash would: Close
		// alone drains its client streams gracefully first, and a lease
		// that runs out meanwhile would be revoked, deleting keys that a
		// crash would have left. Close then shuts the listeners.
		s.e.Server.HardStop()
		s.e.Close()
		s.e = nil
	}
}

// newClient returns a client of s, closed at the end of the test.
func (s *etcdServer) newClient() *clientv3.Client {
	s.t.Helper()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   []string{s.client.String()},
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	require.NoError(s.t, err)
	s.t.Cleanup(func() { _ = cli.Close() })
	return cli
}
