package etcd_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/discovery/etcd"
)

// exampleEtcd starts an etcd for an example, on loopback ports in a
// temporary directory, and returns a client and a function that stops both.
func exampleEtcd() (*clientv3.Client, func()) {
	dir, err := os.MkdirTemp("", "etcd-example")
	if err != nil {
		panic(err)
	}
	cfg := embed.NewConfig()
	cfg.Dir = dir
	client, peer := url.URL{Scheme: "http", Host: "127.0.0.1:0"}, url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.NewNop())
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		panic(err)
	}
	<-e.Server.ReadyNotify()
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   []string{e.Clients[0].Addr().String()},
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		panic(err)
	}
	return cli, func() {
		_ = cli.Close()
		e.Close()
		_ = os.RemoveAll(dir)
	}
}

func ExampleNewRegistry() {
	cli, stop := exampleEtcd()
	defer stop()
	ctx := context.Background()

	// A server registers itself on start and deregisters on shutdown; in
	// between the registry keeps its lease alive.
	reg := etcd.NewRegistry(cli, etcd.WithTTL(5*time.Second))
	defer reg.Close(ctx)
	me := discovery.Instance{Addr: "10.0.0.1:8888", Weight: 50, Tags: map[string]string{"zone": "east"}}
	if err := reg.Register(ctx, "echo", me); err != nil {
		panic(err)
	}
	resp, _ := cli.Get(ctx, etcd.DefaultPrefix+"echo/10.0.0.1:8888")
	fmt.Println(string(resp.Kvs[0].Value))
	_ = reg.Deregister(ctx, "echo", me)
	resp, _ = cli.Get(ctx, etcd.DefaultPrefix+"echo/10.0.0.1:8888")
	fmt.Println(resp.Count)
	// Output:
	// {"addr":"10.0.0.1:8888","weight":50,"tags":{"zone":"east"}}
	// 0
}

func ExampleNewDiscoverer() {
	cli, stop := exampleEtcd()
	defer stop()
	ctx := context.Background()
	reg := etcd.NewRegistry(cli)
	defer reg.Close(ctx)
	_ = reg.Register(ctx, "echo", discovery.Instance{Addr: "10.0.0.1:8888"})

	// A client follows the service with a balancer.
	b, err := discovery.NewBalancer(ctx, etcd.NewDiscoverer(cli), "echo")
	if err != nil {
		panic(err)
	}
	defer b.Close()
	fmt.Println(b.Instances()[0].Addr)

	_ = reg.Register(ctx, "echo", discovery.Instance{Addr: "10.0.0.2:8888"})
	for len(b.Instances()) < 2 { // the watch brings the new instance
		time.Sleep(time.Millisecond)
	}
	for range 2 {
		p, _ := b.Pick("")
		fmt.Println(p.Instance().Addr)
		p.Done(nil)
	}
	// Output:
	// 10.0.0.1:8888
	// 10.0.0.1:8888
	// 10.0.0.2:8888
}
