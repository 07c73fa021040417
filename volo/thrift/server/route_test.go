package server_test

import (
	"context"
	"testing"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renamed returns the Echo service under another IDL name.
func renamed(name string) *thrift.ServiceDesc {
	d := *echo.EchoServiceDesc
	d.Name = name
	return &d
}

func constant(s string) thrifttest.EchoFunc {
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
		got, err := (&echo.EchoClient{Client: c}).Echo(context.Background(), "x")
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
	assert.ErrorIs(t, srv.RegisterService(nil, nil), server.ErrInvalidService)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, constant("x")))
	err = srv.RegisterService(echo.EchoServiceDesc, constant("x"))
	assert.ErrorIs(t, err, server.ErrDuplicateService)
	assert.ErrorContains(t, err, "registered twice")

	bad := []*thrift.ServiceDesc{
		{Name: "NoHandler", Methods: []*thrift.MethodDesc{{Name: "m", NewArgs: echo.EchoEchoMethod.NewArgs, NewResult: echo.EchoEchoMethod.NewResult}}},
		{Name: "NoResult", Methods: []*thrift.MethodDesc{{Name: "m", NewArgs: echo.EchoEchoMethod.NewArgs, Handler: echo.EchoEchoMethod.Handler}}},
		{Name: "NoName", Methods: []*thrift.MethodDesc{{NewArgs: echo.EchoEchoMethod.NewArgs}}},
		{Name: "NilMethod", Methods: []*thrift.MethodDesc{nil}},
		{Name: "Twice", Methods: []*thrift.MethodDesc{echo.EchoEchoMethod, echo.EchoEchoMethod}},
		{Name: "NotAnInterface", HandlerType: "echo", Methods: []*thrift.MethodDesc{echo.EchoEchoMethod}},
	}
	for _, d := range bad {
		assert.ErrorIs(t, srv.RegisterService(d, constant("x")), server.ErrInvalidService, d.Name)
	}

	// An implementation of another service is refused when it is
	// registered, not when its first call comes.
	err = srv.RegisterService(echo.ShoutServiceDesc, constant("x"))
	assert.ErrorIs(t, err, server.ErrImplementation)
	assert.ErrorContains(t, err, "thrifttest.EchoFunc does not implement echo.Shout")
	assert.ErrorIs(t, srv.RegisterService(renamed("Nil"), nil), server.ErrImplementation)

	require.NoError(t, srv.Close())
	assert.ErrorIs(t, srv.Serve(volotest.ListenTCP(t)), volo.ErrServerClosed)
	assert.ErrorIs(t, srv.RegisterService(renamed("Late"), constant("x")), volo.ErrServerClosed)
}

func TestNilMiddlewareIsABuildError(t *testing.T) {
	_, err := server.New(server.WithMiddleware(nil))
	require.Error(t, err)
	_, err = client.New("Echo", client.WithMiddleware(nil))
	require.Error(t, err)
}
