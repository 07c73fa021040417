package tracing_test

import (
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/stats"

	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// Req is the request of the volo stacks: a pointer, as a generated message
// would be.
type Req struct{ Method string }

const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func info(_ context.Context, r *Req) tracing.CallInfo {
	return tracing.CallInfo{System: "grpc", Service: "echo.Echo", Method: r.Method, ServerAddress: "127.0.0.1", ServerPort: 8888}
}

// echoReq is the one request of every call, so no contender pays for it.
var echoReq = &Req{Method: "Echo"}

var echo = motore.ServiceFn(func(_ context.Context, r *Req) (*Req, error) { return r, nil })

// counter is an always-on span processor that keeps nothing, so a long run
// measures the instrumentation and the SDK, not a growing slice.
type counter struct{ ended atomic.Int64 }

func (c *counter) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (c *counter) OnEnd(sdktrace.ReadOnlySpan)                     { c.ended.Add(1) }
func (c *counter) Shutdown(context.Context) error                  { return nil }
func (c *counter) ForceFlush(context.Context) error                { return nil }

// setup is one set of providers, the same for both contenders.
type setup struct {
	name  string
	volo  []tracing.Option
	otel  []otelgrpc.Option
	spans *counter // nil for the no-op set-up
}

func setups(b *testing.B) []setup {
	c := &counter{}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithSpanProcessor(c))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	b.Cleanup(func() {
		_ = tp.Shutdown(context.Background())
		_ = mp.Shutdown(context.Background())
	})
	prop := propagation.TraceContext{}
	ntp, nmp := tracenoop.NewTracerProvider(), metricnoop.NewMeterProvider()
	return []setup{
		{
			name: "noop",
			volo: []tracing.Option{tracing.WithTracerProvider(ntp), tracing.WithMeterProvider(nmp), tracing.WithPropagators(prop)},
			otel: []otelgrpc.Option{otelgrpc.WithTracerProvider(ntp), otelgrpc.WithMeterProvider(nmp), otelgrpc.WithPropagators(prop)},
		},
		{
			name:  "sdk",
			volo:  []tracing.Option{tracing.WithTracerProvider(tp), tracing.WithMeterProvider(mp), tracing.WithPropagators(prop)},
			otel:  []otelgrpc.Option{otelgrpc.WithTracerProvider(tp), otelgrpc.WithMeterProvider(mp), otelgrpc.WithPropagators(prop)},
			spans: c,
		},
	}
}

func BenchmarkClient(b *testing.B) {
	for _, s := range setups(b) {
		b.Run(s.name+"/volo", func(b *testing.B) {
			svc, err := motore.Build(echo, tracing.Client[*Req, *Req](info, tracing.ClientOptions(s.volo)...))
			if err != nil {
				b.Fatal(err)
			}
			runVolo(b, context.Background(), svc, s.spans)
		})
		b.Run(s.name+"/otelgrpc", func(b *testing.B) {
			runGRPC(b, context.Background(), otelgrpc.NewClientHandler(s.otel...), true, s.spans)
		})
	}
}

func BenchmarkServer(b *testing.B) {
	voloIn, err := metainfo.NewCodec().FromMap(context.Background(), map[string]string{"RPC_TRANSIT_traceparent": traceparent})
	if err != nil {
		b.Fatal(err)
	}
	grpcIn := metadata.NewIncomingContext(context.Background(), metadata.Pairs("traceparent", traceparent))
	grpcIn = peer.NewContext(grpcIn, &peer.Peer{Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 40123}})
	for _, s := range setups(b) {
		b.Run(s.name+"/volo", func(b *testing.B) {
			svc, err := motore.Build(echo, tracing.Server[*Req, *Req](info, tracing.ServerOptions(s.volo)...))
			if err != nil {
				b.Fatal(err)
			}
			runVolo(b, voloIn, svc, s.spans)
		})
		b.Run(s.name+"/otelgrpc", func(b *testing.B) {
			runGRPC(b, grpcIn, otelgrpc.NewServerHandler(s.otel...), false, s.spans)
		})
	}
}

func runVolo(b *testing.B, ctx context.Context, svc motore.Service[*Req, *Req], spans *counter) {
	start := ended(spans)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Call(ctx, echoReq); err != nil {
			b.Fatal(err)
		}
	}
	checkSpans(b, spans, start)
}

// runGRPC drives h with the events grpc-go delivers for one unary call,
// around the same echo handler.
func runGRPC(b *testing.B, ctx context.Context, h stats.Handler, client bool, spans *counter) {
	start := ended(spans)
	b.ReportAllocs()
	for b.Loop() {
		if err := unaryCall(h, ctx, client); err != nil {
			b.Fatal(err)
		}
	}
	checkSpans(b, spans, start)
}

// unaryCall drives h through one unary call around the echo handler.
func unaryCall(h stats.Handler, ctx context.Context, client bool) error {
	ctx = h.TagRPC(ctx, &stats.RPCTagInfo{FullMethodName: "/echo.Echo/Echo"})
	now := time.Now()
	h.HandleRPC(ctx, &stats.Begin{Client: client, BeginTime: now})
	h.HandleRPC(ctx, &stats.OutHeader{Client: client})
	h.HandleRPC(ctx, &stats.OutPayload{Client: client, Length: 16})
	_, err := echo.Call(ctx, echoReq)
	h.HandleRPC(ctx, &stats.InHeader{Client: client})
	h.HandleRPC(ctx, &stats.InPayload{Client: client, Length: 16})
	h.HandleRPC(ctx, &stats.InTrailer{Client: client})
	h.HandleRPC(ctx, &stats.End{Client: client, BeginTime: now, EndTime: time.Now(), Error: err})
	return err
}

func ended(c *counter) int64 {
	if c == nil {
		return 0
	}
	return c.ended.Load()
}

// checkSpans fails the benchmark unless every call ended one span.
func checkSpans(b *testing.B, c *counter, start int64) {
	if c == nil {
		return
	}
	if got := c.ended.Load() - start; got != int64(b.N) {
		b.Fatalf("%d spans for %d calls", got, b.N)
	}
}
