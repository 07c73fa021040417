package discovery_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
)

func TestStaticIsARegistry(t *testing.T) {
	var reg discovery.Registry = discovery.NewStatic()
	st := reg.(*discovery.Static)
	ctx := context.Background()
	w, err := st.Watch(ctx, "svc")
	require.NoError(t, err)
	defer w.Close()
	first, err := w.Next(ctx)
	require.NoError(t, err)
	assert.Empty(t, first)

	require.NoError(t, reg.Register(ctx, "svc", discovery.Instance{Addr: "10.0.0.1:80"}))
	require.NoError(t, reg.Register(ctx, "svc", discovery.Instance{Addr: "10.0.0.2:80", Weight: 5}))
	require.NoError(t, reg.Register(ctx, "svc", discovery.Instance{Addr: "10.0.0.2:80", Weight: 7}), "registering again replaces")
	got, err := st.Resolve(ctx, "svc")
	require.NoError(t, err)
	assert.ElementsMatch(t, []discovery.Instance{{Addr: "10.0.0.1:80"}, {Addr: "10.0.0.2:80", Weight: 7}}, got)

	nctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	seen, err := w.Next(nctx)
	require.NoError(t, err)
	assert.NotEmpty(t, seen, "the watcher sees registrations")

	require.NoError(t, reg.Deregister(ctx, "svc", discovery.Instance{Addr: "10.0.0.1:80"}))
	require.NoError(t, reg.Deregister(ctx, "svc", discovery.Instance{Addr: "10.9.9.9:80"}), "an unknown instance is no error")
	got, _ = st.Resolve(ctx, "svc")
	assert.Equal(t, []discovery.Instance{{Addr: "10.0.0.2:80", Weight: 7}}, got)
}
