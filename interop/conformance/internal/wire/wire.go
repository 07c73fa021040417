// Package wire reads and writes the messages the conformance runner
// exchanges with the programs it tests on their stdin and stdout: each a
// 4-byte big-endian length, then the message in protobuf's binary format.
package wire

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/proto"

	conformancev1 "github.com/govolo/volo/interop/conformance/gen/connectrpc/conformance/v1"
	"github.com/govolo/volo/volo/grpc"
)

// MaxMessage bounds a message read from the runner.
const MaxMessage = 64 << 20

// ErrTooLarge is what Read returns for a length prefix over MaxMessage.
var ErrTooLarge = errors.New("wire: message over the size limit")

// Read reads one length-prefixed message into m. It returns io.EOF at a
// clean end between messages and io.ErrUnexpectedEOF inside one.
func Read(r io.Reader, m proto.Message) error {
	var n [4]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return err
	}
	size := binary.BigEndian.Uint32(n[:])
	if size > MaxMessage {
		return fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return proto.Unmarshal(b, m)
}

// Write writes m, length-prefixed.
func Write(w io.Writer, m proto.Message) error {
	b, err := proto.Marshal(m)
	if err != nil {
		return err
	}
	out := make([]byte, 4, 4+len(b))
	binary.BigEndian.PutUint32(out, uint32(len(b)))
	_, err = w.Write(append(out, b...))
	return err
}

// Metadata converts the suite's headers to gRPC metadata.
func Metadata(hs []*conformancev1.Header) grpc.Metadata {
	md := grpc.Metadata{}
	for _, h := range hs {
		md.Append(h.GetName(), h.GetValue()...)
	}
	return md
}

// Headers converts gRPC metadata to the suite's headers.
func Headers(md grpc.Metadata) []*conformancev1.Header {
	hs := make([]*conformancev1.Header, 0, len(md))
	for k, v := range md {
		hs = append(hs, &conformancev1.Header{Name: k, Value: v})
	}
	return hs
}

// ErrBadCert is what ServerTLS and ClientTLS return for a PEM certificate
// that does not parse.
var ErrBadCert = errors.New("wire: bad PEM certificate")

// ServerTLS is the server's TLS config for the runner's credentials:
// creds' certificate and key, and, when clientCert is set, client
// certificates required and checked against it.
func ServerTLS(creds *conformancev1.TLSCreds, clientCert []byte) (*tls.Config, error) {
	cert, err := tls.X509KeyPair(creds.GetCert(), creds.GetKey())
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if len(clientCert) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(clientCert) {
			return nil, fmt.Errorf("%w: the client's", ErrBadCert)
		}
		cfg.ClientCAs, cfg.ClientAuth = pool, tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// ClientTLS is the client's TLS config: the server's certificate trusted,
// and creds, if set, presented as the client's.
func ClientTLS(serverCert []byte, creds *conformancev1.TLSCreds) (*tls.Config, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(serverCert) {
		return nil, fmt.Errorf("%w: the server's", ErrBadCert)
	}
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if creds != nil {
		cert, err := tls.X509KeyPair(creds.GetCert(), creds.GetKey())
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
