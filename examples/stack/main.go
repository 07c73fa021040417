// Command stack runs the scenario of examples/demo over etcd, with the
// layers' metrics exported in the Prometheus format on an HTTP /metrics
// endpoint: three volo servers register themselves in etcd
// (ext/discovery/etcd), the client's P2C balancer watches it, and at the end
// /metrics is scraped once, parsed, and summed up.
//
//	cd examples/stack && GOWORK=off go run .                       # an embedded etcd
//	cd examples/stack && GOWORK=off go run . -etcd 127.0.0.1:2379  # a real one
//
// It is a module of its own, outside go.work, so that etcd's and
// Prometheus's dependency trees never change the versions the library
// modules build against.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/server/v3/embed"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.uber.org/zap"

	"github.com/govolo/volo/examples/internal/scenario"
	"github.com/govolo/volo/ext/discovery/etcd"
)

func main() {
	endpoint := flag.String("etcd", "", "use the etcd at host:port instead of starting an embedded one")
	flag.Parse()
	if _, err := run(os.Stdout, *endpoint); err != nil {
		fmt.Fprintln(os.Stderr, "stack:", err)
		os.Exit(1)
	}
}

// result is what a run observed: the scenario's report and the scrape.
type result struct {
	report *scenario.Report
	// families are the metric families scraped from /metrics, by name.
	families map[string]*dto.MetricFamily
}

// run runs the scenario over the etcd at endpoint, or an embedded one when
// endpoint is empty, within 20 seconds.
func run(out io.Writer, endpoint string) (*result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	backend := "etcd at " + endpoint
	if endpoint == "" {
		e, dir, err := startEtcd()
		if err != nil {
			return nil, fmt.Errorf("embedded etcd: %w", err)
		}
		defer os.RemoveAll(dir)
		defer e.Close()
		endpoint = e.Clients[0].Addr().String()
		backend = "embedded etcd at " + endpoint
	}
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   []string{endpoint},
		DialTimeout: 5 * time.Second,
		Logger:      zap.NewNop(),
	})
	if err != nil {
		return nil, err
	}
	defer cli.Close()
	// Registrations of an earlier run, killed before it deregistered,
	// would linger until their leases expire: a prefix of this run's own.
	prefix := fmt.Sprintf("%sexamples-stack-%d/", etcd.DefaultPrefix, time.Now().UnixNano())
	reg := etcd.NewRegistry(cli, etcd.WithPrefix(prefix), etcd.WithTTL(10*time.Second))
	defer reg.Close(context.Background())
	disc := etcd.NewDiscoverer(cli, etcd.WithPrefix(prefix))

	// The layers' histograms, in the Prometheus format on /metrics.
	promReg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(promReg))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(promReg, promhttp.HandlerOpts{}))
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	defer func() {
		hs.Close()
		<-served
	}()

	var families map[string]*dto.MetricFamily
	rep, err := scenario.Run(ctx, out, scenario.Config{
		Registry:   reg,
		Discoverer: disc,
		Backend:    backend,
		Readers:    []sdkmetric.Reader{exporter},
		Finish: func(ctx context.Context, w io.Writer) error {
			var err error
			families, err = scrape(ctx, "http://"+ln.Addr().String()+"/metrics")
			if err == nil {
				printFamilies(w, ln.Addr().String(), families)
			}
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	return &result{report: rep, families: families}, nil
}

// startEtcd starts a single-member etcd on loopback ports in a temporary
// directory.
func startEtcd() (*embed.Etcd, string, error) {
	dir, err := os.MkdirTemp("", "volo-stack-etcd")
	if err != nil {
		return nil, "", err
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
		os.RemoveAll(dir)
		return nil, "", err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, dir, nil
	case <-time.After(10 * time.Second):
		e.Close()
		os.RemoveAll(dir)
		return nil, "", errors.New("not ready within 10s")
	}
}

// scrape reads url once and parses the text format.
func scrape(ctx context.Context, url string) (map[string]*dto.MetricFamily, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("scraping %s: %s", url, resp.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	return parser.TextToMetricFamilies(resp.Body)
}

// printFamilies sums up the RPC histograms scraped.
func printFamilies(w io.Writer, addr string, families map[string]*dto.MetricFamily) {
	var names []string
	for name := range families {
		if strings.HasPrefix(name, "rpc_") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	fmt.Fprintf(w, "scraped http://%s/metrics once: %d metric families\n", addr, len(families))
	for _, name := range names {
		f := families[name]
		var count uint64
		for _, m := range f.GetMetric() {
			count += m.GetHistogram().GetSampleCount()
		}
		fmt.Fprintf(w, "  %s (%s): %d series, %d calls\n", name, strings.ToLower(f.GetType().String()), len(f.GetMetric()), count)
	}
}
