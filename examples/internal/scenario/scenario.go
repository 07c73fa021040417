// Package scenario is the demonstration of the whole stack that
// examples/demo (an in-process registry) and examples/stack (etcd, and a
// Prometheus endpoint) run: three volo servers that register themselves,
// and a client through tracing, a rate limit, a timeout, a P2C balancer and
// a breaker per instance. It prints what happens and returns a [Report]
// that the tests of both check.
package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/otelvolo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// Service is the name the servers register under and the client looks up.
const Service = "Echo"

// The shape of the run.
const (
	spreadCalls = 90 // calls over the three instances
	afterCalls  = 60 // calls once one instance is stopped hard
	workers     = 6  // callers at once
	burstCalls  = 20 // calls at once into the lowered limit
	burstLimit  = 5  // tokens the limit holds for the burst
)

// Config says where the servers register and the client discovers them.
type Config struct {
	// Registry is where each server registers itself.
	Registry discovery.Registry
	// Discoverer is what the client's balancer watches.
	Discoverer discovery.Discoverer
	// Backend describes the discovery backend, for the output.
	Backend string
	// Readers are more metric readers for the layers' histograms (a
	// Prometheus exporter); the scenario keeps one of its own.
	Readers []sdkmetric.Reader
	// Finish, when set, runs once the calls are done, while the readers
	// still hold the metrics (a scrape of /metrics), printing to w.
	Finish func(ctx context.Context, w io.Writer) error
}

// Report is what the run observed.
type Report struct {
	// Spread is the calls each instance served while all three ran.
	Spread map[string]int
	// Stopped is the instance stopped hard (no deregistration).
	Stopped string
	// After is the calls each instance served once Stopped was down, of
	// AfterCalls made.
	After      map[string]int
	AfterCalls int
	// Failed counts the user calls that failed while a healthy instance
	// was up (the spread and after phases).
	Failed int
	// FirstFailure is the first of them, if any.
	FirstFailure error
	// BreakerOpen says the stopped instance's breaker opened.
	BreakerOpen bool
	// Ejected says the balancer ejected the stopped instance.
	Ejected bool
	// Trace is the spans of one call, client first.
	Trace []SpanInfo
	// Tenant is the persistent metainfo value the handlers saw.
	Tenant map[string]bool
	// BurstServed and BurstLimited count the burst's calls answered and
	// rejected by the client's rate limit (ratelimit.ErrLimited).
	BurstServed, BurstLimited int
	// LimitedCodes are the RPC codes the callers of the rejected calls saw.
	LimitedCodes map[string]int
	// Histograms counts the measurements per duration histogram.
	Histograms map[string]uint64
}

// SpanInfo is one span of the traced call.
type SpanInfo struct {
	Name, Kind      string
	TraceID, SpanID string
	Parent          string // the parent's span ID, empty for a root
	RemoteParent    bool
	System, Status  string
}

// instance is one server of the run.
type instance struct {
	name   string
	addr   string
	srv    *server.Server
	served chan error
	count  atomic.Int64
}

// crashable is a registry whose instances can die without deregistering,
// as a process killed hard does: its registration stays until someone
// notices (a backend with leases drops it when the lease expires).
type crashable struct {
	discovery.Registry
	mu      sync.Mutex
	crashed map[string]bool
}

func (r *crashable) crash(addr string) {
	r.mu.Lock()
	r.crashed[addr] = true
	r.mu.Unlock()
}

func (r *crashable) Deregister(ctx context.Context, service string, inst discovery.Instance) error {
	r.mu.Lock()
	dead := r.crashed[inst.Addr]
	r.mu.Unlock()
	if dead {
		return nil
	}
	return r.Registry.Deregister(ctx, service, inst)
}

// Run runs the scenario, printing it to out.
func Run(ctx context.Context, out io.Writer, cfg Config) (*Report, error) {
	if cfg.Registry == nil || cfg.Discoverer == nil {
		return nil, errors.New("scenario: a registry and a discoverer are needed")
	}
	w := &lockedWriter{w: out}
	spans := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	defer tp.Shutdown(context.Background())
	own := sdkmetric.NewManualReader()
	mopts := []sdkmetric.Option{sdkmetric.WithReader(own)}
	for _, r := range cfg.Readers {
		mopts = append(mopts, sdkmetric.WithReader(r))
	}
	mp := sdkmetric.NewMeterProvider(mopts...)
	defer mp.Shutdown(context.Background())

	rep := &Report{Spread: map[string]int{}, After: map[string]int{}, Tenant: map[string]bool{}, LimitedCodes: map[string]int{}}
	var tenantMu sync.Mutex
	reg := &crashable{Registry: cfg.Registry, crashed: map[string]bool{}}

	// Three servers, each registering itself once it listens.
	var ins []*instance
	defer func() {
		for _, in := range ins {
			if in.srv != nil {
				in.srv.Close()
				<-in.served
			}
		}
	}()
	for _, name := range []string{"a", "b", "c"} {
		in := &instance{name: name, served: make(chan error, 1)}
		ready := make(chan net.Addr, 1)
		srv, err := server.New(
			server.WithMiddleware(
				otelvolo.Server(tracing.WithTracerProvider(tp), tracing.WithMeterProvider(mp)),
				ratelimit.NewConcurrency[*thrift.Call, thrift.Struct](64),
				motore.CatchPanic[*thrift.Call, thrift.Struct](),
			),
			server.WithRegistry(reg, Service, discovery.Instance{Tags: map[string]string{"name": name}}),
			server.WithReady(func(a net.Addr) { ready <- a }),
			server.WithLogger(slog.New(slog.DiscardHandler)),
		)
		if err != nil {
			return nil, err
		}
		if err := srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
			tenant, _ := metainfo.GetPersistentValue(ctx, "tenant")
			tenantMu.Lock()
			rep.Tenant[tenant] = true
			tenantMu.Unlock()
			in.count.Add(1)
			return name, nil
		})); err != nil {
			return nil, err
		}
		in.srv = srv
		ins = append(ins, in)
		go func() { in.served <- srv.ListenAndServe("127.0.0.1:0") }()
		select {
		case a := <-ready:
			in.addr = a.String()
		case err := <-in.served:
			in.srv = nil
			return nil, fmt.Errorf("server %s: %w", name, err)
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	names := map[string]string{}
	for _, in := range ins {
		names[in.addr] = in.name
	}
	fmt.Fprintf(w, "discovery: %s; servers a, b, c registered themselves as %q\n", cfg.Backend, Service)
	fmt.Fprintf(w, "server stack: %s\n", ins[0].srv.Describe())

	// The client: tracing -> rate limit -> timeout -> P2C -> breaker per
	// instance -> transport.
	bctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	bal, err := discovery.NewBalancer(bctx, cfg.Discoverer, Service,
		discovery.WithPolicy(discovery.PeakEWMA(0)),
		discovery.WithOutlierDetection(3, 30*time.Second))
	if err != nil {
		return nil, err
	}
	defer bal.Close()
	if err := waitForInstances(bctx, bal, len(ins)); err != nil {
		return nil, err
	}
	breakers := circuitbreaker.NewGroup[*thrift.Call, thrift.Struct](func(ctx context.Context, _ *thrift.Call) string {
		in, _ := discovery.InstanceFromContext(ctx)
		return names[in.Addr]
	}, nil, circuitbreaker.WithConsecutiveFailures(3), circuitbreaker.WithOpenTimeout(30*time.Second))
	lim := rate.NewLimiter(1000, 1000) // more than all the calls before the burst
	c, err := client.New(Service,
		client.WithMiddleware(
			otelvolo.Client(tracing.WithTracerProvider(tp), tracing.WithMeterProvider(mp)),
			ratelimit.Rate[*thrift.Call, thrift.Struct](lim),
			motore.Timeout[*thrift.Call, thrift.Struct](2*time.Second),
		),
		client.WithBalancer(bal),
		client.WithInstanceMiddleware(breakers),
	)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ec := &echo.EchoClient{Client: c}
	fmt.Fprintf(w, "client stack: %s\n", c.Describe())

	// tenant=acme travels as persistent metainfo to every handler.
	callCtx := metainfo.WithPersistentValue(ctx, "tenant", "acme")
	phase := func(n int, into map[string]int) {
		var mu sync.Mutex
		var wg sync.WaitGroup
		var next atomic.Int64
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(n) {
					who, err := ec.Echo(callCtx, "hi")
					mu.Lock()
					if err != nil {
						rep.Failed++
						if rep.FirstFailure == nil {
							rep.FirstFailure = err
						}
					} else {
						into[who]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
	}

	phase(spreadCalls, rep.Spread)
	fmt.Fprintf(w, "%d calls, %d at once, tenant=acme in persistent metainfo: %s; %d failed\n",
		spreadCalls, workers, perInstance(rep.Spread), rep.Failed)

	// One call, traced across the hop.
	before := len(spans.Ended())
	if _, err := ec.Echo(callCtx, "trace me"); err != nil {
		return nil, fmt.Errorf("the traced call: %w", err)
	}
	rep.Trace = traceOf(spans.Ended()[before:])
	printTrace(w, rep.Trace)

	// The instance the balancer favours most dies: its listener and
	// connections close at once, and it never deregisters, so the balancer
	// still lists it. (P2C picks by latency: the favourite is the one it
	// goes on picking until the failures say otherwise.)
	stopped := ins[0]
	for _, in := range ins[1:] {
		if rep.Spread[in.name] > rep.Spread[stopped.name] {
			stopped = in
		}
	}
	rep.Stopped = stopped.name
	reg.crash(stopped.addr)
	stopped.srv.Close()
	<-stopped.served
	stopped.srv = nil
	failedBefore := rep.Failed
	var snap circuitbreaker.Snapshot
	var ok bool
	for round := 0; round < 4 && !(rep.BreakerOpen && rep.Ejected); round++ {
		phase(afterCalls, rep.After)
		rep.AfterCalls += afterCalls
		snap, ok = breakers.Snapshot(stopped.name)
		rep.BreakerOpen = ok && snap.State == circuitbreaker.StateOpen
		rep.Ejected = bal.Ejected(stopped.addr)
	}
	listed := len(bal.Instances())
	fmt.Fprintf(w, "instance %s stopped hard (still registered, %d instances listed):\n", stopped.name, listed)
	fmt.Fprintf(w, "  %d calls: %s; %d failed\n", rep.AfterCalls, perInstance(rep.After), rep.Failed-failedBefore)
	if ok {
		fmt.Fprintf(w, "  breaker %s: %s; balancer ejected %s: %t; the calls it refused went to the others\n",
			stopped.name, snap.State, stopped.name, rep.Ejected)
	}

	// A burst into a lowered limit: 5 tokens, none refilled during it.
	lim.SetBurst(burstLimit)
	lim.SetLimit(rate.Every(time.Hour))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range burstCalls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := ec.Echo(callCtx, "burst")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				rep.BurstServed++
			case errors.Is(err, ratelimit.ErrLimited):
				rep.BurstLimited++
				rep.LimitedCodes[volo.CodeOf(err).String()]++
			default:
				rep.Failed++
				if rep.FirstFailure == nil {
					rep.FirstFailure = err
				}
			}
		}()
	}
	wg.Wait()
	codes := make([]string, 0, len(rep.LimitedCodes))
	for code := range rep.LimitedCodes {
		codes = append(codes, fmt.Sprintf("%q", code))
	}
	slices.Sort(codes)
	fmt.Fprintf(w, "a burst of %d calls at once into a limit of %d: %d served, %d rejected by the rate limit (ratelimit.ErrLimited, the caller sees %s)\n",
		burstCalls, burstLimit, rep.BurstServed, rep.BurstLimited, strings.Join(codes, ", "))

	// The layers' histograms.
	var rm metricdata.ResourceMetrics
	if err := own.Collect(ctx, &rm); err != nil {
		return nil, err
	}
	rep.Histograms = map[string]uint64{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if h, ok := m.Data.(metricdata.Histogram[float64]); ok {
				for _, dp := range h.DataPoints {
					rep.Histograms[m.Name] += dp.Count
				}
			}
		}
	}
	fmt.Fprintf(w, "histograms: rpc.client.call.duration %d calls, rpc.server.call.duration %d calls\n",
		rep.Histograms["rpc.client.call.duration"], rep.Histograms["rpc.server.call.duration"])

	if cfg.Finish != nil {
		if err := cfg.Finish(ctx, w); err != nil {
			return nil, err
		}
	}

	// The others stop gracefully: they deregister, then drain.
	for _, in := range ins {
		if in.srv == nil {
			continue
		}
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := in.srv.Shutdown(sctx)
		cancel()
		if serr := <-in.served; !errors.Is(serr, volo.ErrServerClosed) && err == nil {
			err = serr
		}
		in.srv = nil
		if err != nil {
			return nil, fmt.Errorf("server %s: %w", in.name, err)
		}
	}
	return rep, nil
}

// waitForInstances waits until the balancer lists n instances: a registry
// with a watch (etcd) reports registrations a moment after they are made.
func waitForInstances(ctx context.Context, b *discovery.Balancer, n int) error {
	for len(b.Instances()) < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the balancer lists %d instances of %d: %w", len(b.Instances()), n, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}

func perInstance(m map[string]int) string {
	var parts []string
	for _, name := range []string{"a", "b", "c"} {
		parts = append(parts, fmt.Sprintf("%s=%d", name, m[name]))
	}
	return strings.Join(parts, " ")
}

// traceOf orders the spans of one call, each parent before its children.
func traceOf(ended []sdktrace.ReadOnlySpan) []SpanInfo {
	var out []SpanInfo
	for _, s := range ended {
		si := SpanInfo{
			Name:         s.Name(),
			Kind:         s.SpanKind().String(),
			TraceID:      s.SpanContext().TraceID().String(),
			SpanID:       s.SpanContext().SpanID().String(),
			RemoteParent: s.Parent().IsRemote(),
		}
		if s.Parent().IsValid() {
			si.Parent = s.Parent().SpanID().String()
		}
		for _, kv := range s.Attributes() {
			switch kv.Key {
			case "rpc.system.name":
				si.System = kv.Value.AsString()
			case "rpc.response.status_code":
				si.Status = kv.Value.AsString()
			}
		}
		out = append(out, si)
	}
	slices.SortStableFunc(out, func(a, b SpanInfo) int {
		switch {
		case a.SpanID == b.Parent:
			return -1
		case b.SpanID == a.Parent:
			return 1
		}
		return 0
	})
	return out
}

func printTrace(w io.Writer, spans []SpanInfo) {
	if len(spans) == 0 {
		fmt.Fprintln(w, "one call, traced: no spans")
		return
	}
	fmt.Fprintf(w, "one call, traced across the hop (trace %s…):\n", spans[0].TraceID[:8])
	depth := map[string]int{}
	for _, s := range spans {
		d := 0
		if p, ok := depth[s.Parent]; ok {
			d = p + 1
		}
		depth[s.SpanID] = d
		parent := "root"
		if s.Parent != "" {
			parent = "child of " + s.Parent[:8] + "…"
			if s.RemoteParent {
				parent += " (remote)"
			}
		}
		fmt.Fprintf(w, "  %s%s %s [%s] %s, rpc.system.name=%s status=%s\n",
			strings.Repeat("  ", d), s.Kind, s.Name, s.SpanID[:8]+"…", parent, s.System, s.Status)
	}
}

// lockedWriter lets the goroutines of the run print to one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
