package volotest

import (
	"net"
	"testing"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/server"
)

// StartServer starts a server of desc with impl on ln (a *Listener, or
// a TCP listener) and closes it when the test ends. It fails the test if
// the server cannot be built or registered.
func StartServer(t testing.TB, ln net.Listener, desc *volo.ServiceDesc, impl any, opts ...server.Option) *server.Server {
	t.Helper()
	srv, err := server.New(opts...)
	if err != nil {
		t.Fatalf("volotest: server: %v", err)
	}
	if err := srv.RegisterService(desc, impl); err != nil {
		t.Fatalf("volotest: register: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return srv
}

// ListenTCP listens on a free loopback port, closed when the test ends.
func ListenTCP(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("volotest: listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}
