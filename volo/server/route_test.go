package server_test

import (
	"context"
	"testing"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/client"
	"github.com/govolo/volo/volo/frame"
	"github.com/govolo/volo/volo/server"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renamed returns the Echo service under another IDL name.
func renamed(name string) *volo.ServiceDesc {
	d := *volotest.EchoService
	d.Name = name
	return &d
}

func constant(s string) volotest.EchoFunc {
	return func(context.Context, string) (string, error) { return s, nil }
}

func TestRoutingByServiceName(t *testing.T) {
	ln := volotest.ListenTCP(t)
	srv, err := server.New(quiet)
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(renamed("A"), constant("a")))
	require.NoError(t, srv.RegisterService(renamed("B"), constant("b")))
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	call := func(service string, f frame.Framing) string {
		c, err := client.New(service, client.WithAddress(ln.Addr().String()), client.WithFraming(f))
		require.NoError(t, err)
		defer c.Close()
		got, err := volotest.EchoClient{C: c}.Echo(context.Background(), "x")
		require.NoError(t, err)
		return got
	}
	assert.Equal(t, "b", call("B", frame.TTHeader), "isn routes to B")
	assert.Equal(t, "a", call("A", frame.TTHeader))
	assert.Equal(t, "a", call("B", frame.Framed), "without isn the first registered service answers")
	assert.Equal(t, "a", call("Unknown", frame.TTHeader), "an unknown isn falls back to the method")
}

func TestRegisterServiceErrors(t *testing.T) {
	srv, err := server.New()
	require.NoError(t, err)
	assert.Error(t, srv.RegisterService(nil, nil))
	require.NoError(t, srv.RegisterService(volotest.EchoService, constant("x")))
	assert.ErrorContains(t, srv.RegisterService(volotest.EchoService, constant("x")), "registered twice")
	assert.ErrorContains(t, srv.RegisterService(&volo.ServiceDesc{Name: "Bad", Methods: map[string]volo.MethodDesc{"m": {}}}, nil), "no NewArgs or Handler")
	require.NoError(t, srv.Close())
	assert.ErrorIs(t, srv.Serve(volotest.ListenTCP(t)), volo.ErrServerClosed)
}

func TestNilMiddlewareIsABuildError(t *testing.T) {
	_, err := server.New(server.WithMiddleware(nil))
	require.Error(t, err)
	_, err = client.New("Echo", client.WithMiddleware(nil))
	require.Error(t, err)
}
