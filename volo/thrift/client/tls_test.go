package client_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// testPKI is a certificate authority made for one test, with a server
// certificate for 127.0.0.1 and a client certificate.
type testPKI struct {
	pool   *x509.CertPool
	server tls.Certificate
	client tls.Certificate
}

func newPKI(t *testing.T) *testPKI {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "volo test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(caDER)
	require.NoError(t, err)
	p := &testPKI{pool: x509.NewCertPool()}
	p.pool.AddCert(ca)
	leaf := func(serial int64, name string, usage x509.ExtKeyUsage, ips ...net.IP) tls.Certificate {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: name},
			NotBefore:    time.Now().Add(-time.Hour),
			NotAfter:     time.Now().Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
			IPAddresses:  ips,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	p.server = leaf(2, "echo server", x509.ExtKeyUsageServerAuth, net.IPv4(127, 0, 0, 1))
	p.client = leaf(3, "echo client", x509.ExtKeyUsageClientAuth)
	return p
}

// tlsListener makes TLS server connections and keeps the newest, so that
// a test can close it as the server's idle timeout would: a close_notify
// alert, then the end of the stream, while the server's reader waits.
type tlsListener struct {
	net.Listener
	cfg      *tls.Config
	accepted chan *tls.Conn
}

func (l *tlsListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := tls.Server(nc, l.cfg)
	l.accepted <- tc
	return tc, nil
}

// TestTLSPooledReuseAfterServerIdleClose makes every call after the first
// find its pooled TLS connection closed by the server: the probe must see
// it through the TLS layer and dial anew, so no call fails.
func TestTLSPooledReuseAfterServerIdleClose(t *testing.T) {
	pki := newPKI(t)
	ln := &tlsListener{
		Listener: listenTCP(t),
		cfg:      &tls.Config{Certificates: []tls.Certificate{pki.server}},
		accepted: make(chan *tls.Conn, 200),
	}
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return msg, nil
	}))

	var dials atomic.Int64
	c := echoClient(t,
		client.WithAddress(ln.Addr().String()),
		client.WithTLS(&tls.Config{RootCAs: pki.pool}),
		client.WithDialer(func(ctx context.Context, network, addr string) (net.Conn, error) {
			dials.Add(1)
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}),
	)
	failures := 0
	for i := range 100 {
		answer, err := c.Echo(context.Background(), "hi")
		if err != nil {
			failures++
			t.Logf("call %d: %v", i, err)
			continue
		}
		assert.Equal(t, "hi", answer)
		// The server ends the connection the client now keeps idle.
		require.NoError(t, (<-ln.accepted).Close())
	}
	assert.Zero(t, failures, "calls over a pooled TLS connection the server had closed")
	assert.Equal(t, int64(100), dials.Load(), "each closed connection was dropped and a new one made")
}

func TestMutualTLSRefusesAClientWithoutACertificate(t *testing.T) {
	pki := newPKI(t)
	tcp := listenTCP(t)
	ln := tls.NewListener(tcp, &tls.Config{
		Certificates: []tls.Certificate{pki.server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    pki.pool,
	})
	var ran atomic.Int64
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		ran.Add(1)
		return msg, nil
	}))
	addr := tcp.Addr().String()

	anonymous := echoClient(t, client.WithAddress(addr), client.WithTLS(&tls.Config{RootCAs: pki.pool}))
	_, err := anonymous.Echo(context.Background(), "hi")
	require.Error(t, err, "a client without a certificate is refused")
	assert.ErrorIs(t, err, volo.ErrConnection)
	assert.Zero(t, ran.Load(), "the handler never ran for it")

	known := echoClient(t, client.WithAddress(addr), client.WithTLS(&tls.Config{
		RootCAs:      pki.pool,
		Certificates: []tls.Certificate{pki.client},
	}))
	answer, err := known.Echo(context.Background(), "hi")
	require.NoError(t, err)
	assert.Equal(t, "hi", answer)
	assert.Equal(t, int64(1), ran.Load())
}

func TestTLSVerifiesTheServer(t *testing.T) {
	pki, other := newPKI(t), newPKI(t)
	tcp := listenTCP(t)
	ln := tls.NewListener(tcp, &tls.Config{Certificates: []tls.Certificate{pki.server}})
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return msg, nil
	}))
	c := echoClient(t, client.WithAddress(tcp.Addr().String()), client.WithTLS(&tls.Config{RootCAs: other.pool}))
	_, err := c.Echo(context.Background(), "hi")
	require.Error(t, err)
	assert.ErrorIs(t, err, volo.ErrConnection, "a handshake that fails is a connection not made")
	var unknown x509.UnknownAuthorityError
	assert.True(t, errors.As(err, &unknown), "the cause is kept: %v", err)
}

func listenTCP(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	return ln
}

func TestTLSMultiplexed(t *testing.T) {
	pki := newPKI(t)
	tcp := listenTCP(t)
	ln := tls.NewListener(tcp, &tls.Config{Certificates: []tls.Certificate{pki.server}})
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		return msg, nil
	}))
	c := echoClient(t, client.WithAddress(tcp.Addr().String()), client.WithMultiplexing(1),
		client.WithTLS(&tls.Config{RootCAs: pki.pool}))
	for range 10 {
		answer, err := c.Echo(context.Background(), "mux")
		require.NoError(t, err)
		assert.Equal(t, "mux", answer)
	}
}
