package thrifttest

import (
	"net"
	"testing"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/server"
)

// StartServer starts a server of desc with impl on ln (a
// *volotest.Listener, or a TCP listener) and closes it when the test
// ends. It fails the test if the server cannot be built or registered.
func StartServer(t testing.TB, ln net.Listener, desc *thrift.ServiceDesc, impl any, opts ...server.Option) *server.Server {
	t.Helper()
	srv, err := server.New(opts...)
	if err != nil {
		t.Fatalf("thrifttest: server: %v", err)
	}
	if err := srv.RegisterService(desc, impl); err != nil {
		t.Fatalf("thrifttest: register: %v", err)
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
