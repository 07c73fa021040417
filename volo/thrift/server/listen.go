package server

import (
	"crypto/tls"
	"fmt"
	"net"
)

// ListenAndServe listens on the TCP address addr ("host:port"; port 0
// picks a free one, which [WithReady] reports) and serves on it, as
// [Server.Serve] does, until Shutdown or Close. It fails at once, with the
// listener's error wrapped, when addr cannot be listened on.
func (s *Server) ListenAndServe(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("volo: listen on %s: %w", addr, err)
	}
	return s.Serve(ln)
}

// WithReady calls f with the listener's address each time Serve is ready to
// accept on one: after the server has registered itself ([WithRegistry]),
// before the first connection is accepted. A test or a supervisor waits for
// it instead of dialling until it works; with ListenAndServe on port 0 it is
// where the port is learnt. f runs on Serve's goroutine and must not block.
// Default: none.
func WithReady(f func(addr net.Addr)) Option {
	return optionFunc(func(c *config) { c.onReady = f })
}

// WithTLS serves every connection over TLS configured by cfg, which must
// hold the server's certificate (cfg.Certificates or cfg.GetCertificate).
// For mutual TLS set cfg.ClientAuth to tls.RequireAndVerifyClientCert and
// cfg.ClientCAs to the authorities of the clients' certificates: a client
// without one is refused in the handshake, before any request is read. The
// handshake runs on the connection's goroutine, bounded by the read
// timeout ([WithReadTimeout]), so a slow client holds up no other. The
// server keeps cfg: do not change it after New. Default: nil, plain TCP.
func WithTLS(cfg *tls.Config) Option {
	return optionFunc(func(c *config) { c.tls = cfg })
}

// wrap puts TLS over ln when the server serves TLS.
func (s *Server) wrap(ln net.Listener) net.Listener {
	if s.cfg.tls == nil {
		return ln
	}
	return tls.NewListener(ln, s.cfg.tls)
}

// ready tells WithReady's function that Serve accepts on ln.
func (s *Server) ready(ln net.Listener) {
	if s.cfg.onReady != nil {
		s.cfg.onReady(ln.Addr())
	}
}
