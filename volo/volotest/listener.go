package volotest

import (
	"context"
	"net"
	"sync"
	"testing"
)

// Listener is an in-memory net.Listener, like grpc-go's bufconn: Dial
// returns one end of a net.Pipe and Accept the other, so a server and a
// client talk without a port. Pipes carry deadlines, so timeouts work as on
// TCP; the client's health probe of pooled connections cannot read a pipe
// without blocking and takes them as alive.
type Listener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

// NewListener returns an open in-memory listener.
func NewListener() *Listener {
	return &Listener{conns: make(chan net.Conn), done: make(chan struct{})}
}

// Accept waits for the next Dial, or returns net.ErrClosed once the
// listener is closed.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

// Close stops Accept and Dial; connections already made stay open.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

// Addr returns a placeholder address named "volotest".
func (l *Listener) Addr() net.Addr { return addr{} }

// Dial connects to the listener, whatever network and address are given,
// so it can be passed to client.WithDialer. It waits for Accept until ctx
// ends.
func (l *Listener) Dial(ctx context.Context, _, _ string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-l.done:
		client.Close()
		server.Close()
		return nil, &net.OpError{Op: "dial", Net: "volotest", Err: net.ErrClosed}
	case <-ctx.Done():
		client.Close()
		server.Close()
		return nil, ctx.Err()
	}
}

type addr struct{}

func (addr) Network() string { return "volotest" }
func (addr) String() string  { return "volotest" }

// ListenTCP listens on a free loopback port, closed when the test ends.
func ListenTCP(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("thrifttest: listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}
