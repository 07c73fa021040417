package motore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/motore"
)

func TestBuildReportsNilParts(t *testing.T) {
	inner := motore.ServiceFn(echo)
	nilLayer := motore.LayerFunc[motore.Service[string, string], motore.Service[string, string]](
		func(motore.Service[string, string]) motore.Service[string, string] { return nil })

	for _, tc := range []struct {
		name    string
		build   func() (motore.Service[string, string], error)
		is      error
		message string
	}{
		{
			name:    "nil inner",
			build:   func() (motore.Service[string, string], error) { return motore.Build[string, string](nil, trace("a")) },
			is:      motore.ErrNilService,
			message: "motore: nil service",
		},
		{
			name: "nil ServiceFunc inner",
			build: func() (motore.Service[string, string], error) {
				var h motore.ServiceFunc[string, string]
				return motore.Build[string, string](h, trace("a"))
			},
			is:      motore.ErrNilService,
			message: "motore: nil service",
		},
		{
			name: "layer returns nil ServiceFunc",
			build: func() (motore.Service[string, string], error) {
				return motore.Build(inner, trace("a"), motore.LayerFunc[motore.Service[string, string], motore.Service[string, string]](
					func(motore.Service[string, string]) motore.Service[string, string] {
						return motore.ServiceFunc[string, string](nil)
					}))
			},
			is:      motore.ErrNilService,
			message: "layer 1",
		},
		{
			name: "nil middleware",
			build: func() (motore.Service[string, string], error) {
				return motore.Build(inner, trace("a"), nil, trace("c"))
			},
			is:      motore.ErrNilLayer,
			message: "motore: nil layer: layer 1",
		},
		{
			name: "builder nil middleware",
			build: func() (motore.Service[string, string], error) {
				return motore.NewBuilder[string, string]().Layer(trace("a")).Layer(nil).Build(inner)
			},
			is:      motore.ErrNilLayer,
			message: "motore: nil layer: layer 1",
		},
		{
			name: "nil filter predicate",
			build: func() (motore.Service[string, string], error) {
				return motore.Build(inner, trace("a"), trace("b"), motore.Filter[string, string](nil))
			},
			is:      motore.ErrNilFunc,
			message: "motore: nil function: layer 2 (filter)",
		},
		{
			name: "nil middleware func",
			build: func() (motore.Service[string, string], error) {
				return motore.Build(inner, motore.MiddlewareFn[string, string]("logging", nil))
			},
			is:      motore.ErrNilFunc,
			message: "motore: nil function: layer 0 (logging)",
		},
		{
			name:    "layer returns nil",
			build:   func() (motore.Service[string, string], error) { return motore.Build(inner, nilLayer) },
			is:      motore.ErrNilService,
			message: "layer 0",
		},
		{
			name: "nil either side",
			build: func() (motore.Service[string, string], error) {
				return motore.Build(inner, motore.Either(false, trace("a"), nil))
			},
			is:      motore.ErrNilLayer,
			message: "either right",
		},
		{
			name: "nil map functions",
			build: func() (motore.Service[string, string], error) {
				return motore.Build(inner, motore.MapErr[string, string](nil))
			},
			is:      motore.ErrNilFunc,
			message: "map-err",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, err := tc.build()
			assert.Nil(t, svc)
			require.ErrorIs(t, err, tc.is)
			var be *motore.BuildError
			require.ErrorAs(t, err, &be)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestApplyReportsNilParts(t *testing.T) {
	_, err := motore.Apply[motore.Service[int, int], motore.Service[string, string]](nil, nil)
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	_, err = motore.Apply(atoiLayer(), nil)
	assert.ErrorIs(t, err, motore.ErrNilService)

	withNilInner := motore.Stack[motore.Service[int, int], motore.Service[int, int], motore.Service[string, string]](nil, atoiLayer())
	_, err = motore.Apply(withNilInner, motore.ServiceFn(func(_ context.Context, n int) (int, error) { return n, nil }))
	assert.ErrorIs(t, err, motore.ErrNilLayer)
	assert.Contains(t, err.Error(), "Stack inner")
}

// Applying a motore layer by hand to nil parts fails at build time with the
// same error, never later at call time.
func TestDirectLayerPanicsAtBuildTime(t *testing.T) {
	for name, build := range map[string]func(){
		"chain with nil":   func() { motore.Chain(trace("a"), nil).Layer(motore.ServiceFn(echo)) },
		"chain nil inner":  func() { motore.Chain(trace("a")).Layer(nil) },
		"timeout nil":      func() { motore.Timeout[string, string](time.Second).Layer(nil) },
		"catch-panic nil":  func() { motore.CatchPanic[string, string]().Layer(nil) },
		"identity nil":     func() { motore.Identity[string, string]().Layer(nil) },
		"nil LayerFunc":    func() { motore.LayerFunc[int, int](nil).Layer(1) },
		"nil map-request":  func() { motore.MapRequest[string, string, string](nil).Layer(motore.ServiceFn(echo)) },
		"nil map-response": func() { motore.MapResponse[string, string, string](nil).Layer(motore.ServiceFn(echo)) },
		"nil and-then":     func() { motore.AndThen[string, string, string](nil).Layer(motore.ServiceFn(echo)) },
		"nil middlewarefn": func() { motore.MiddlewareFunc[string, string](nil).Layer(motore.ServiceFn(echo)) },
		"nil ServiceFunc":  func() { motore.Timeout[string, string](time.Second).Layer(motore.ServiceFunc[string, string](nil)) },
		"nil func filter": func() {
			motore.Filter[string](func(context.Context, string) error { return nil }).Layer(motore.ServiceFunc[string, string](nil))
		},
		"nil func chain": func() { motore.Chain(trace("a")).Layer(motore.ServiceFunc[string, string](nil)) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				require.NotNil(t, r, "expected a build-time panic")
				be, ok := r.(*motore.BuildError)
				require.True(t, ok, "panic value %T", r)
				assert.NotEmpty(t, be.Error())
			}()
			build()
		})
	}
}

func TestBuildDoesNotSwallowOtherPanics(t *testing.T) {
	bad := motore.LayerFunc[motore.Service[string, string], motore.Service[string, string]](
		func(motore.Service[string, string]) motore.Service[string, string] { panic("config missing") })
	assert.PanicsWithValue(t, "config missing", func() { _, _ = motore.Build(motore.ServiceFn(echo), bad) })
}
