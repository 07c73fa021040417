package adapters_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/go-kit/kit/endpoint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/adapters/gokit"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// statusErr is the error a hand-written go-kit middleware returns for
// go-kit's DefaultErrorEncoder.
type statusErr struct{ error }

func (statusErr) StatusCode() int { return http.StatusTooManyRequests }

// nativeGoKit is the stack of layers as a hand-written go-kit
// endpoint.Middleware.
func nativeGoKit(next endpoint.Endpoint) endpoint.Endpoint {
	stack, err := motore.Build(motore.ServiceFunc[any, any](next), layers[any, any](staticInfo[any]))
	if err != nil {
		panic(err)
	}
	return func(ctx context.Context, req any) (any, error) {
		resp, err := stack.Call(ctx, req)
		if err != nil {
			var c coder
			if errors.As(err, &c) {
				return nil, statusErr{err}
			}
			return nil, err
		}
		return resp, nil
	}
}

func gokitContenders(t testing.TB) map[string]func() {
	echo := func(_ context.Context, req any) (any, error) { return req, nil }
	mw, err := gokit.Middleware(layers[*gokit.Call, any](staticInfo[*gokit.Call]), gokit.WithName("echo.Echo", "Echo"))
	require.NoError(t, err)
	adapter, native := mw(echo), nativeGoKit(echo)
	// What gokit.ServerBefore or a hand-written RequestFunc leaves.
	ctx := metainfo.WithBackwardValuesToSend(metainfo.WithPersistentValue(context.Background(), "TENANT", "acme"))
	req := new(int)
	return map[string]func(){
		"none":    func() { _, _ = echo(ctx, req) },
		"native":  func() { _, _ = native(ctx, req) },
		"adapter": func() { _, _ = adapter(ctx, req) },
	}
}

func BenchmarkGoKitEndpoint(b *testing.B) {
	cs := gokitContenders(b)
	for _, name := range []string{"none", "native", "adapter"} {
		b.Run(name, func(b *testing.B) { bench(b, cs[name]) })
	}
}

func TestGoKitAdapterAddsAtMostOneAllocation(t *testing.T) {
	cs := gokitContenders(t)
	native, adapter := allocs(cs["native"]), allocs(cs["adapter"])
	t.Logf("endpoint: native %v, adapter %v allocs/call", native, adapter)
	assert.LessOrEqual(t, adapter, native+1)
}
