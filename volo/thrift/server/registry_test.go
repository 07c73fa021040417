package server_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
)

func registered(t *testing.T, reg *discovery.Static) []discovery.Instance {
	t.Helper()
	ins, err := reg.Resolve(context.Background(), "Echo")
	require.NoError(t, err)
	return ins
}

func TestRegistryFollowsTheServersLife(t *testing.T) {
	reg := discovery.NewStatic()
	g := newGate()
	srv, err := server.New(server.WithRegistry(reg, "Echo", discovery.Instance{Weight: 50}))
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, g))
	ln := volotest.ListenTCP(t)
	done := serve(t, srv, ln)
	waitFor(t, "registration", func() bool { return len(registered(t, reg)) == 1 })
	assert.Equal(t, []discovery.Instance{{Addr: ln.Addr().String(), Weight: 50}}, registered(t, reg))

	// A client that finds the server through the registry.
	bctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	bal, err := discovery.NewBalancer(bctx, reg, "Echo")
	require.NoError(t, err)
	defer bal.Close()
	c, err := client.New("Echo", client.WithBalancer(bal))
	require.NoError(t, err)
	defer c.Close()
	answered := make(chan error, 1)
	go func() {
		_, err := (&echo.EchoClient{Client: c}).Echo(context.Background(), "in flight")
		answered <- err
	}()
	waitFor(t, "the call to start", func() bool { return g.started.Load() == 1 })

	// Shutdown deregisters before it drains the call in flight.
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	waitFor(t, "deregistration", func() bool { return len(registered(t, reg)) == 0 })
	select {
	case err := <-answered:
		t.Fatalf("the call ended before it was released: %v", err)
	default:
	}
	close(g.release)
	require.NoError(t, <-answered, "the call in flight is answered")
	require.NoError(t, <-shut)
	assert.ErrorIs(t, <-done, volo.ErrServerClosed)
}

func TestRegistryNeedsADialableAddress(t *testing.T) {
	reg := discovery.NewStatic()
	srv, err := server.New(server.WithRegistry(reg, "Echo", discovery.Instance{}))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	require.NoError(t, err)
	err = srv.Serve(ln)
	assert.ErrorIs(t, err, server.ErrUnregistrableAddr)
	assert.Empty(t, registered(t, reg))
	_, err = ln.Accept()
	assert.ErrorIs(t, err, net.ErrClosed, "Serve closed the listener")
	require.NoError(t, srv.Close())
}

func TestRegistryWithAnAddressOfItsOwn(t *testing.T) {
	reg := discovery.NewStatic()
	srv, err := server.New(server.WithRegistry(reg, "Echo", discovery.Instance{Addr: "echo.internal:8888"}))
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	require.NoError(t, err)
	done := serve(t, srv, ln)
	waitFor(t, "registration", func() bool { return len(registered(t, reg)) == 1 })
	assert.Equal(t, "echo.internal:8888", registered(t, reg)[0].Addr)
	require.NoError(t, srv.Close())
	assert.Empty(t, registered(t, reg), "Close deregisters")
	assert.ErrorIs(t, <-done, volo.ErrServerClosed)
}

// refusing is a registry that is down.
type refusing struct{ err error }

func (r refusing) Register(context.Context, string, discovery.Instance) error   { return r.err }
func (r refusing) Deregister(context.Context, string, discovery.Instance) error { return r.err }

func TestFailedRegistrationFailsServe(t *testing.T) {
	down := errors.New("registry unreachable")
	srv, err := server.New(server.WithRegistry(refusing{down}, "Echo", discovery.Instance{}))
	require.NoError(t, err)
	ln := volotest.ListenTCP(t)
	err = srv.Serve(ln)
	assert.ErrorIs(t, err, down)
	assert.Contains(t, err.Error(), "register Echo at "+ln.Addr().String())
	require.NoError(t, srv.Close())
}
