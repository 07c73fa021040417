package motore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/motore"
)

// prefixLayer is a layer written the way layers of other modules are: it
// checks what it was given with motore.CheckBuild when it is applied.
type prefixLayer struct{ prefix func() string }

func (l prefixLayer) Layer(next motore.Service[string, string]) motore.Service[string, string] {
	var err error
	if l.prefix == nil {
		err = motore.ErrNilFunc
	}
	motore.CheckBuild("prefix", next, err)
	return motore.ServiceFunc[string, string](func(ctx context.Context, req string) (string, error) {
		return next.Call(ctx, l.prefix()+req)
	})
}

func ExampleCheckBuild() {
	upper := motore.ServiceFn(func(_ context.Context, s string) (string, error) { return strings.ToUpper(s), nil })

	_, err := motore.Build(upper, motore.Middleware[string, string](prefixLayer{}))
	fmt.Println(errors.Is(err, motore.ErrNilFunc), err)

	svc, _ := motore.Build(upper, motore.Middleware[string, string](prefixLayer{prefix: func() string { return "hi " }}))
	fmt.Println(svc.Call(context.Background(), "volo"))
	// Output:
	// true motore: nil function: layer 0 (prefix)
	// HI VOLO <nil>
}

func TestCheckBuild(t *testing.T) {
	ok := motore.ServiceFn(echo)
	var nilFunc motore.ServiceFunc[string, string]
	own := errors.New("own mistake")
	for _, tc := range []struct {
		name string
		next motore.Service[string, string]
		err  error
		want error
	}{
		{"nil interface", nil, nil, motore.ErrNilService},
		{"nil ServiceFunc", nilFunc, nil, motore.ErrNilService},
		{"nil service wins over the layer's own error", nil, own, motore.ErrNilService},
		{"the layer's own error", ok, own, own},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Called directly: motore.Build would reject a nil inner
			// service before any layer saw it.
			r := func() (r any) {
				defer func() { r = recover() }()
				motore.CheckBuild("checked", tc.next, tc.err)
				return nil
			}()
			be, isBuild := r.(*motore.BuildError)
			require.True(t, isBuild, "panic value %v", r)
			assert.ErrorIs(t, be, tc.want)
			assert.Equal(t, "checked", be.Layer)
			assert.Equal(t, -1, be.Index)
		})
	}
	assert.NotPanics(t, func() { motore.CheckBuild("checked", ok, nil) })
}
