package adapters_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	adgrpc "github.com/govolo/volo/adapters/grpc"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// mdCarrier is the propagation carrier a hand-written interceptor needs
// for gRPC metadata (otelgrpc has the same).
type mdCarrier metadata.MD

func (c mdCarrier) Get(k string) string {
	if v := metadata.MD(c).Get(k); len(v) > 0 {
		return v[0]
	}
	return ""
}
func (c mdCarrier) Set(k, v string) { metadata.MD(c).Set(k, v) }
func (c mdCarrier) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	return keys
}

// coder is what a hand-written interceptor reads codes through.
type coder interface{ RPCCode() string }

// grpcStatus is the error mapping a hand-written interceptor needs.
func grpcStatus(err error) error {
	var c coder
	if errors.As(err, &c) && c.RPCCode() == "resource_exhausted" {
		return status.Error(codes.ResourceExhausted, err.Error())
	}
	return err
}

type grpcHandlerKey struct{}

// nativeGRPCServer is the stack of layers as a hand-written grpc-go
// interceptor: the same metainfo, trace context and layers, with the
// handler handed to the prebuilt stack through the context.
func nativeGRPCServer() grpc.UnaryServerInterceptor {
	stack, err := motore.Build(motore.ServiceFunc[any, any](func(ctx context.Context, req any) (any, error) {
		return ctx.Value(grpcHandlerKey{}).(grpc.UnaryHandler)(ctx, req)
	}), layers[any, any](staticInfo[any]))
	if err != nil {
		panic(err)
	}
	return func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if md, ok := metadata.FromIncomingContext(ctx); ok {
			var err error
			if ctx, err = codec.FromHTTPHeader(ctx, md); err != nil {
				return nil, status.Error(codes.InvalidArgument, err.Error())
			}
			ctx = w3c.Extract(ctx, mdCarrier(md))
		}
		ctx = metainfo.WithBackwardValuesToSend(ctx)
		ctx = context.WithValue(ctx, grpcHandlerKey{}, handler)
		resp, err := stack.Call(ctx, req)
		if metainfo.AllBackwardValuesToSend(ctx) != nil {
			md := metadata.MD{}
			_ = codec.BackwardToHTTPHeader(ctx, md)
			_ = grpc.SetHeader(ctx, md)
		}
		if err != nil {
			return nil, grpcStatus(err)
		}
		return resp, nil
	}
}

type grpcServerCase struct {
	ctx     context.Context
	req     any
	info    *grpc.UnaryServerInfo
	handler grpc.UnaryHandler
}

func newGRPCServerCase() *grpcServerCase {
	md := metadata.MD(requestHeader())
	ctx := metadata.NewIncomingContext(context.Background(), md)
	ctx = peer.NewContext(ctx, &peer.Peer{
		Addr:      &net.TCPAddr{IP: net.IPv4(10, 0, 0, 7), Port: 51234},
		LocalAddr: &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 8443},
	})
	return &grpcServerCase{
		ctx:     ctx,
		req:     new(int),
		info:    &grpc.UnaryServerInfo{FullMethod: "/echo.Echo/Echo"},
		handler: func(_ context.Context, req any) (any, error) { return req, nil },
	}
}

func (c *grpcServerCase) run(icpt grpc.UnaryServerInterceptor) func() {
	return func() {
		if _, err := icpt(c.ctx, c.req, c.info, c.handler); err != nil {
			panic(err)
		}
	}
}

func grpcServerContenders(t testing.TB) map[string]func() {
	c := newGRPCServerCase()
	adapter, err := adgrpc.UnaryServerInterceptor(layers[*adgrpc.Call, any](staticInfo[*adgrpc.Call]))
	require.NoError(t, err)
	return map[string]func(){
		"none":    func() { _, _ = c.handler(c.ctx, c.req) },
		"native":  c.run(nativeGRPCServer()),
		"adapter": c.run(adapter),
	}
}

// nativeGRPCClient is the client side written by hand: the same layers,
// metainfo and trace context, with the call handed to the prebuilt stack
// as a closure.
func nativeGRPCClient() grpc.UnaryClientInterceptor {
	stack, err := motore.Build(motore.ServiceFunc[func(context.Context) error, any](func(ctx context.Context, call func(context.Context) error) (any, error) {
		md := metadata.MD{}
		if err := codec.ToHTTPHeader(ctx, md); err != nil {
			return nil, err
		}
		w3c.Inject(ctx, mdCarrier(md))
		if prev, ok := metadata.FromOutgoingContext(ctx); ok {
			md = metadata.Join(prev, md)
		}
		return nil, call(metadata.NewOutgoingContext(ctx, md))
	}), layers[func(context.Context) error, any](staticInfo[func(context.Context) error]))
	if err != nil {
		panic(err)
	}
	return func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		_, err := stack.Call(ctx, func(ctx context.Context) error {
			return invoker(ctx, method, req, reply, cc, opts...)
		})
		return err
	}
}

func grpcClientContenders(t testing.TB) map[string]func() {
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled}))
	ctx = metainfo.WithPersistentValue(ctx, "TENANT", "acme")
	req, reply := new(int), new(int)
	invoker := func(context.Context, string, any, any, *grpc.ClientConn, ...grpc.CallOption) error { return nil }
	adapter, err := adgrpc.UnaryClientInterceptor(layers[*adgrpc.Call, any](staticInfo[*adgrpc.Call]))
	require.NoError(t, err)
	native := nativeGRPCClient()
	return map[string]func(){
		"none":    func() { _ = invoker(ctx, "/echo.Echo/Echo", req, reply, nil) },
		"native":  func() { _ = native(ctx, "/echo.Echo/Echo", req, reply, nil, invoker) },
		"adapter": func() { _ = adapter(ctx, "/echo.Echo/Echo", req, reply, nil, invoker) },
	}
}

func BenchmarkGRPCServer(b *testing.B) {
	cs := grpcServerContenders(b)
	for _, name := range []string{"none", "native", "adapter"} {
		b.Run(name, func(b *testing.B) { bench(b, cs[name]) })
	}
}

func BenchmarkGRPCClient(b *testing.B) {
	cs := grpcClientContenders(b)
	for _, name := range []string{"none", "native", "adapter"} {
		b.Run(name, func(b *testing.B) { bench(b, cs[name]) })
	}
}

func TestGRPCAdapterAddsAtMostOneAllocation(t *testing.T) {
	for side, cs := range map[string]map[string]func(){"server": grpcServerContenders(t), "client": grpcClientContenders(t)} {
		native, adapter := allocs(cs["native"]), allocs(cs["adapter"])
		t.Logf("%s: native %v, adapter %v allocs/call", side, native, adapter)
		assert.LessOrEqual(t, adapter, native+1, side)
	}
}
