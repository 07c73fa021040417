package e2e_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/client"
	"github.com/govolo/volo/volo/grpc/server"
	"go.uber.org/goleak"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// selfSigned returns a server certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "volo test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

type echoServer interface {
	Echo(context.Context, *wrapperspb.BytesValue) (*wrapperspb.BytesValue, error)
	Stream(vgrpc.BidiStreamingServer[wrapperspb.BytesValue, wrapperspb.BytesValue]) error
}

type echo struct{}

func (echo) Echo(_ context.Context, in *wrapperspb.BytesValue) (*wrapperspb.BytesValue, error) {
	return in, nil
}

func (echo) Stream(s vgrpc.BidiStreamingServer[wrapperspb.BytesValue, wrapperspb.BytesValue]) error {
	for {
		m, err := s.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(m); err != nil {
			return err
		}
	}
}

var (
	echoMethod = &vgrpc.MethodDesc{
		Name:        "Echo",
		NewRequest:  func() proto.Message { return new(wrapperspb.BytesValue) },
		NewResponse: func() proto.Message { return new(wrapperspb.BytesValue) },
		Handler: func(ctx context.Context, impl any, req proto.Message) (proto.Message, error) {
			s, ok1 := impl.(echoServer)
			r, ok2 := req.(*wrapperspb.BytesValue)
			if !ok1 || !ok2 {
				return nil, vgrpc.ErrHandlerMismatch
			}
			return s.Echo(ctx, r)
		},
	}
	streamMethod = &vgrpc.StreamDesc{
		Name: "Stream", Kind: vgrpc.BidiStreaming,
		NewRequest:  func() proto.Message { return new(wrapperspb.BytesValue) },
		NewResponse: func() proto.Message { return new(wrapperspb.BytesValue) },
		Handler: func(impl any, st vgrpc.ServerStream) error {
			s, ok := impl.(echoServer)
			if !ok {
				return vgrpc.ErrHandlerMismatch
			}
			return s.Stream(&vgrpc.GenericServerStream[wrapperspb.BytesValue, wrapperspb.BytesValue]{ServerStream: st})
		},
	}
	echoDesc = &vgrpc.ServiceDesc{Name: "e2e.Echo", HandlerType: (*echoServer)(nil),
		Methods: []*vgrpc.MethodDesc{echoMethod}, Streams: []*vgrpc.StreamDesc{streamMethod}}
)

func start(t *testing.T, opts ...server.Option) string {
	t.Helper()
	srv, err := server.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.RegisterService(echoDesc, echo{}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-served; !errors.Is(err, volo.ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func exercise(t *testing.T, c *client.Client) {
	t.Helper()
	out := new(wrapperspb.BytesValue)
	if err := c.Call(ctxT(t), echoMethod, wrapperspb.Bytes([]byte("over tls")), out); err != nil || string(out.Value) != "over tls" {
		t.Fatalf("unary: %q, %v", out.Value, err)
	}
	raw, err := c.NewStream(ctxT(t), streamMethod, nil)
	if err != nil {
		t.Fatal(err)
	}
	st := &vgrpc.GenericClientStream[wrapperspb.BytesValue, wrapperspb.BytesValue]{ClientStream: raw}
	for i := range 3 {
		if err := st.Send(wrapperspb.Bytes([]byte{byte(i)})); err != nil {
			t.Fatal(err)
		}
		m, err := st.Recv()
		if err != nil || len(m.Value) != 1 || m.Value[0] != byte(i) {
			t.Fatalf("stream %d: %v, %v", i, m, err)
		}
	}
	st.CloseSend()
	if _, err := st.Recv(); err != io.EOF {
		t.Fatalf("end: %v", err)
	}
}

// volo's client and server over h2c.
func TestVoloToVolo(t *testing.T) {
	addr := start(t)
	c, err := client.New("e2e.Echo", client.WithAddress(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	exercise(t, c)
}

// volo's client and server over TLS with ALPN h2, and grpc-go's TLS
// client against volo's server.
func TestTLS(t *testing.T) {
	cert, pool := selfSigned(t)
	addr := start(t, server.WithTLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
	c, err := client.New("e2e.Echo", client.WithAddress(addr), client.WithTLS(&tls.Config{RootCAs: pool}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	exercise(t, c)

	cc, err := ggrpc.NewClient(addr, ggrpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool})))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	out := new(wrapperspb.BytesValue)
	if err := cc.Invoke(ctxT(t), "/e2e.Echo/Echo", wrapperspb.Bytes([]byte("grpc-go")), out); err != nil || string(out.Value) != "grpc-go" {
		t.Fatalf("grpc-go over TLS: %q, %v", out.Value, err)
	}

	// A client that trusts another root fails to connect, as a connection
	// failure that was never sent.
	_, other := selfSigned(t)
	bad, err := client.New("e2e.Echo", client.WithAddress(addr), client.WithTLS(&tls.Config{RootCAs: other}))
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.Call(ctxT(t), echoMethod, wrapperspb.Bytes(nil), new(wrapperspb.BytesValue)); !errors.Is(err, volo.ErrConnection) {
		t.Errorf("untrusted server: %v", err)
	}
}
