package adapters_test

import (
	"context"
	"errors"
	"testing"

	"connectrpc.com/connect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/propagation"

	adconnect "github.com/govolo/volo/adapters/connect"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

type connectMsg struct{ Text string }

// nativeConnectServer is the stack of layers as a hand-written connect
// interceptor.
func nativeConnectServer() connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		stack, err := motore.Build(motore.ServiceFunc[connect.AnyRequest, connect.AnyResponse](next),
			layers[connect.AnyRequest, connect.AnyResponse](staticInfo[connect.AnyRequest]))
		if err != nil {
			panic(err)
		}
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			ctx, err := codec.FromHTTPHeader(ctx, req.Header())
			if err != nil {
				return nil, connect.NewError(connect.CodeInvalidArgument, err)
			}
			ctx = w3c.Extract(ctx, propagation.HeaderCarrier(req.Header()))
			ctx = metainfo.WithBackwardValuesToSend(ctx)
			resp, err := stack.Call(ctx, req)
			if err != nil {
				var c coder
				if errors.As(err, &c) && c.RPCCode() == "resource_exhausted" {
					return nil, connect.NewError(connect.CodeResourceExhausted, err)
				}
				return nil, err
			}
			if err := codec.BackwardToHTTPHeader(ctx, resp.Header()); err != nil {
				return nil, err
			}
			return resp, nil
		}
	}
}

func connectServerContenders(t testing.TB) map[string]func() {
	req := connect.NewRequest(&connectMsg{Text: "hi"})
	for k, v := range requestHeader() {
		req.Header()[k] = v
	}
	resp := connect.NewResponse(&connectMsg{Text: "hi"})
	next := connect.UnaryFunc(func(context.Context, connect.AnyRequest) (connect.AnyResponse, error) { return resp, nil })
	icpt, err := adconnect.NewServerInterceptor(layers[*adconnect.Call, any](staticInfo[*adconnect.Call]))
	require.NoError(t, err)
	adapter, native := icpt.WrapUnary(next), nativeConnectServer().WrapUnary(next)
	ctx := context.Background()
	return map[string]func(){
		"none":    func() { _, _ = next(ctx, req) },
		"native":  func() { _, _ = native(ctx, req) },
		"adapter": func() { _, _ = adapter(ctx, req) },
	}
}

func BenchmarkConnectServer(b *testing.B) {
	cs := connectServerContenders(b)
	for _, name := range []string{"none", "native", "adapter"} {
		b.Run(name, func(b *testing.B) { bench(b, cs[name]) })
	}
}

func TestConnectAdapterAddsAtMostOneAllocation(t *testing.T) {
	cs := connectServerContenders(t)
	native, adapter := allocs(cs["native"]), allocs(cs["adapter"])
	t.Logf("server: native %v, adapter %v allocs/call", native, adapter)
	assert.LessOrEqual(t, adapter, native+1)
}
