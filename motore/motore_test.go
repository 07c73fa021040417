package motore_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/motore"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// trace appends its name to the request on the way in and to the response
// on the way out, so tests can read the order layers ran in.
func trace(name string) motore.Middleware[string, string] {
	return motore.MiddlewareFn(name, func(ctx context.Context, req string, next motore.Service[string, string]) (string, error) {
		resp, err := next.Call(ctx, req+">"+name)
		return resp + "<" + name, err
	})
}

func echo(_ context.Context, req string) (string, error) { return req, nil }

func TestChainOrderFirstIsOutermost(t *testing.T) {
	svc := motore.Chain(trace("a"), trace("b"), trace("c")).Layer(motore.ServiceFn(echo))
	resp, err := svc.Call(context.Background(), "req")
	require.NoError(t, err)
	assert.Equal(t, "req>a>b>c<c<b<a", resp)
	assert.Equal(t, []string{"a", "b", "c", "motore_test.echo"}, motore.Layers(svc))
}

func TestChainOfNothingIsTheServiceItself(t *testing.T) {
	inner := motore.ServiceFn(echo)
	svc := motore.Chain[string, string]().Layer(inner)
	resp, err := svc.Call(context.Background(), "x")
	require.NoError(t, err)
	assert.Equal(t, "x", resp)
}

func TestChainNested(t *testing.T) {
	inner := motore.Chain(trace("b"), trace("c"))
	svc := motore.Chain(trace("a"), inner, trace("d")).Layer(motore.ServiceFn(echo))
	resp, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, ">a>b>c>d<d<c<b<a", resp)
}

func TestBuilderReadsTopDown(t *testing.T) {
	svc, err := motore.NewBuilder[string, string]().
		Layer(trace("a")).
		Layer(trace("b")).
		Build(motore.ServiceFn(echo))
	require.NoError(t, err)
	resp, err := svc.Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, ">a>b<b<a", resp)
}

func TestBuilderIsAValue(t *testing.T) {
	base := motore.NewBuilder[string, string]().Layer(trace("base"))
	one := base.Layer(trace("one"))
	two := base.Layer(trace("two"))
	assert.Equal(t, 1, base.Len())

	for _, tc := range []struct {
		b    motore.Builder[string, string]
		want string
	}{
		{one, ">base>one<one<base"},
		{two, ">base>two<two<base"},
		{base, ">base<base"},
	} {
		svc, err := tc.b.Build(motore.ServiceFn(echo))
		require.NoError(t, err)
		resp, err := svc.Call(context.Background(), "")
		require.NoError(t, err)
		assert.Equal(t, tc.want, resp)
	}
}

func TestBuilderMiddlewareAndOptional(t *testing.T) {
	mw := motore.NewBuilder[string, string]().
		Layer(trace("a")).
		Optional(nil).
		Optional(trace("b")).
		Layer(motore.When(false, trace("never"))).
		Layer(motore.When(true, trace("c"))).
		Layer(motore.Optional[string, string](nil)).
		Middleware()
	resp, err := mw.Layer(motore.ServiceFn(echo)).Call(context.Background(), "")
	require.NoError(t, err)
	assert.Equal(t, ">a>b>c<c<b<a", resp)
}

func TestIdentity(t *testing.T) {
	inner := motore.ServiceFn(echo)
	svc := motore.Identity[string, string]().Layer(inner)
	resp, err := svc.Call(context.Background(), "same")
	require.NoError(t, err)
	assert.Equal(t, "same", resp)
	assert.Equal(t, motore.Layers(inner), motore.Layers(svc))
}

func TestEither(t *testing.T) {
	for _, left := range []bool{true, false} {
		svc := motore.Either(left, trace("L"), trace("R")).Layer(motore.ServiceFn(echo))
		resp, err := svc.Call(context.Background(), "")
		require.NoError(t, err)
		if left {
			assert.Equal(t, ">L<L", resp)
		} else {
			assert.Equal(t, ">R<R", resp)
		}
	}
}

// atoiLayer turns a Service[int, int] into a Service[string, string].
func atoiLayer() motore.Layer[motore.Service[int, int], motore.Service[string, string]] {
	return motore.LayerFn(func(inner motore.Service[int, int]) motore.Service[string, string] {
		return motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
			n, err := strconv.Atoi(req)
			if err != nil {
				return "", err
			}
			out, err := inner.Call(ctx, n)
			return strconv.Itoa(out), err
		})
	})
}

func TestStackChangesTypes(t *testing.T) {
	double := motore.MiddlewareFn("double", func(ctx context.Context, req int, next motore.Service[int, int]) (int, error) {
		return next.Call(ctx, req*2)
	})
	bang := motore.MapResponse[string](func(_ context.Context, s string) string { return s + "!" })
	l := motore.Stack(motore.Stack(double, atoiLayer()), bang)
	svc, err := motore.Apply(l, motore.ServiceFn(func(_ context.Context, n int) (int, error) { return n + 1, nil }))
	require.NoError(t, err)
	resp, err := svc.Call(context.Background(), "20")
	require.NoError(t, err)
	assert.Equal(t, "41!", resp)

	_, err = svc.Call(context.Background(), ">")
	var numErr *strconv.NumError
	assert.ErrorAs(t, err, &numErr)
}

func TestMiddlewareFuncConversionNamesItself(t *testing.T) {
	mw := motore.MiddlewareFunc[string, string](passThrough)
	svc := mw.Layer(motore.ServiceFn(echo))
	assert.Equal(t, "motore_test.passThrough -> motore_test.echo", motore.Describe(svc))
}

func passThrough(ctx context.Context, req string, next motore.Service[string, string]) (string, error) {
	return next.Call(ctx, req)
}

// opaque is a service from "another module" that neither describes nor
// unwraps itself.
type opaque struct{}

func (opaque) Call(context.Context, string) (string, error) { return "", nil }

// custom is a layer from "another module" that takes part in descriptions.
type custom struct {
	next motore.Service[string, string]
}

func (c *custom) Call(ctx context.Context, req string) (string, error) { return c.next.Call(ctx, req) }
func (c *custom) Describe() string                                     { return "custom(v1)" }
func (c *custom) Unwrap() any                                          { return c.next }

func TestDescribeWalksForeignLayers(t *testing.T) {
	svc := motore.Chain(
		motore.CatchPanic[string, string](),
		motore.LayerFn(func(next motore.Service[string, string]) motore.Service[string, string] {
			return &custom{next: next}
		}),
		motore.Filter[string](func(context.Context, string) error { return nil }),
		motore.MapErr[string, string](func(_ context.Context, err error) error { return err }),
	).Layer(opaque{})
	assert.Equal(t, []string{"catch-panic", "custom(v1)", "filter", "map-err", "motore_test.opaque"}, motore.Layers(svc))
	assert.Equal(t, "catch-panic -> custom(v1) -> filter -> map-err -> motore_test.opaque", motore.Describe(svc))
	assert.Nil(t, motore.Layers(nil))
}

// loop unwraps to itself; a description must still end.
type loop struct{}

func (l *loop) Call(context.Context, string) (string, error) { return "", nil }
func (l *loop) Unwrap() any                                  { return l }

func TestDescribeStopsOnCycles(t *testing.T) {
	assert.Len(t, motore.Layers(&loop{}), 1024)
}

func TestServiceFnNil(t *testing.T) {
	assert.Nil(t, motore.ServiceFn[string, string](nil))
	assert.Nil(t, motore.LayerFn[int, int](nil))
	_, err := motore.Build(motore.ServiceFn[string, string](nil))
	assert.ErrorIs(t, err, motore.ErrNilService)
}

func TestErrorsAreDistinct(t *testing.T) {
	all := []error{motore.ErrNilService, motore.ErrNilLayer, motore.ErrNilFunc, motore.ErrTimeout, motore.ErrPanic}
	for i, a := range all {
		for j, b := range all {
			assert.Equal(t, i == j, errors.Is(a, b), "%v vs %v", a, b)
		}
	}
}
