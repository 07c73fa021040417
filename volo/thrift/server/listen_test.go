package server_test

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
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// certs is an authority made for one test, a server certificate for
// 127.0.0.1 and a client certificate it signed.
type certs struct {
	pool           *x509.CertPool
	server, client tls.Certificate
}

func newCerts(t *testing.T) certs {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	require.NoError(t, err)
	ca, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	c := certs{pool: x509.NewCertPool()}
	c.pool.AddCert(ca)
	leaf := func(serial int64, usage x509.ExtKeyUsage, ips ...net.IP) tls.Certificate {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		require.NoError(t, err)
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: "leaf"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		require.NoError(t, err)
		return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	}
	c.server = leaf(2, x509.ExtKeyUsageServerAuth, net.IPv4(127, 0, 0, 1))
	c.client = leaf(3, x509.ExtKeyUsageClientAuth)
	return c
}

// listenAndServe runs srv.ListenAndServe on a free loopback port and
// returns the address WithReady reported.
func listenAndServe(t *testing.T, opts ...server.Option) (*server.Server, string, *atomic.Int64) {
	t.Helper()
	ready := make(chan net.Addr, 1)
	var ran atomic.Int64
	srv, err := server.New(append(opts, server.WithReady(func(a net.Addr) { ready <- a }))...)
	require.NoError(t, err)
	require.NoError(t, srv.RegisterService(echo.EchoServiceDesc, thrifttest.EchoFunc(func(_ context.Context, msg string) (string, error) {
		ran.Add(1)
		return msg, nil
	})))
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe("127.0.0.1:0") }()
	t.Cleanup(func() {
		srv.Close()
		assert.ErrorIs(t, <-done, volo.ErrServerClosed)
	})
	select {
	case a := <-ready:
		return srv, a.String(), &ran
	case err := <-done:
		t.Fatalf("ListenAndServe: %v", err)
	}
	return nil, "", nil
}

func call(t *testing.T, addr string, opts ...client.Option) error {
	t.Helper()
	c, err := client.New("Echo", append(opts, client.WithAddress(addr))...)
	require.NoError(t, err)
	defer c.Close()
	_, err = (&echo.EchoClient{Client: c}).Echo(context.Background(), "hi")
	return err
}

func TestListenAndServeReportsReadyWithTheAddress(t *testing.T) {
	_, addr, ran := listenAndServe(t)
	require.NoError(t, call(t, addr), "the server accepts once ready")
	assert.Equal(t, int64(1), ran.Load())
}

func TestListenAndServeFailsOnABadAddress(t *testing.T) {
	srv, err := server.New()
	require.NoError(t, err)
	defer srv.Close()
	err = srv.ListenAndServe("127.0.0.1:-1")
	require.Error(t, err)
	var op *net.OpError
	assert.True(t, errors.As(err, &op), "the listener's error: %v", err)
}

func TestWithTLSServesTLS(t *testing.T) {
	c := newCerts(t)
	_, addr, ran := listenAndServe(t, server.WithTLS(&tls.Config{Certificates: []tls.Certificate{c.server}}))
	require.NoError(t, call(t, addr, client.WithTLS(&tls.Config{RootCAs: c.pool})))
	assert.Error(t, call(t, addr, client.WithReadWriteTimeout(time.Second)), "a plain client gets no answer from a TLS server")
	assert.Equal(t, int64(1), ran.Load())
}

func TestWithTLSMutualRefusesAClientWithoutACertificate(t *testing.T) {
	c := newCerts(t)
	_, addr, ran := listenAndServe(t, server.WithTLS(&tls.Config{
		Certificates: []tls.Certificate{c.server},
		ClientAuth:   tls.RequireAndVerifyClientCert,
		ClientCAs:    c.pool,
	}))
	err := call(t, addr, client.WithTLS(&tls.Config{RootCAs: c.pool}))
	require.Error(t, err, "no client certificate")
	assert.ErrorIs(t, err, volo.ErrConnection)
	assert.Zero(t, ran.Load(), "the handler never ran")

	require.NoError(t, call(t, addr, client.WithTLS(&tls.Config{RootCAs: c.pool, Certificates: []tls.Certificate{c.client}})))
	assert.Equal(t, int64(1), ran.Load())
}
