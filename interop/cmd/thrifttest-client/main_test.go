package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"

	"github.com/govolo/volo/interop/thrifttest"
	at "github.com/govolo/volo/interop/thrifttest/apachegen/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func startVolo(t *testing.T) string {
	t.Helper()
	srv, err := server.New()
	require.NoError(t, err)
	require.NoError(t, gen.RegisterThriftTest(srv, &thrifttest.Handler{Second: time.Millisecond}))
	ln := volotest.ListenTCP(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	t.Cleanup(func() {
		srv.Close()
		<-done
	})
	return ln.Addr().String()
}

func TestRunAgainstVolo(t *testing.T) {
	addr := startVolo(t)
	for _, args := range [][]string{
		{"-transport", "framed"},
		{"-transport", "buffered", "-multiplexed"},
		{"-transport", "ttheader"},
		{"-transport", "ttheader_framed", "-multiplexed"},
	} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), append(args, "-addr", addr), &stdout, &stderr)
		assert.Equal(t, 0, code, "%v: %s%s", args, stdout.String(), stderr.String())
		assert.Contains(t, stdout.String(), "testOneway           ok (")
		assert.Contains(t, stdout.String(), "thrifttest-client: all checks passed")
	}
}

func TestRunAgainstApache(t *testing.T) {
	sock, err := athrift.NewTServerSocket("127.0.0.1:0")
	require.NoError(t, err)
	require.NoError(t, sock.Listen())
	conf := &athrift.TConfiguration{SocketTimeout: 10 * time.Second}
	srv := athrift.NewTSimpleServer4(at.NewThriftTestProcessor(thrifttest.ApacheHandler{H: &thrifttest.Handler{Second: time.Millisecond}}),
		sock, athrift.NewTFramedTransportFactoryConf(athrift.NewTTransportFactory(), conf), athrift.NewTBinaryProtocolFactoryConf(conf))
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	addr := sock.Addr().String()

	var stdout, stderr strings.Builder
	code := run(context.Background(), []string{"-addr", addr, "-transport", "framed", "-skip", "testUuid"}, &stdout, &stderr)
	assert.Equal(t, 0, code, "%s%s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "testUuid             skipped: -skip\n")

	// Apache's processor (thrift 0.17) does not know testUuid.
	stdout.Reset()
	stderr.Reset()
	assert.Equal(t, 1, run(context.Background(), []string{"-addr", addr, "-transport", "framed"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "thrifttest: check failed: testUuid")
	assert.Equal(t, 1, strings.Count(stdout.String(), "FAILED"), "only testUuid fails: %s", stdout.String())

	require.NoError(t, srv.Stop())
	require.NoError(t, <-served)
}

func TestRunRefusesBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-transport", "compact"}, {"-timeout", "soon"}, {"extra"}} {
		var stderr strings.Builder
		assert.Equal(t, 2, run(context.Background(), args, io.Discard, &stderr), "%v", args)
		assert.Contains(t, stderr.String(), "Usage of thrifttest-client", "%v", args)
	}
}
