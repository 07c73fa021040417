package client

import (
	"crypto/tls"
	"net"
)

// tlsFor returns cfg for a connection to addr: a copy that verifies the
// address's host when cfg names no server.
func tlsFor(cfg *tls.Config, addr string) *tls.Config {
	if cfg.ServerName != "" || cfg.InsecureSkipVerify {
		return cfg
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	c := cfg.Clone()
	c.ServerName = host
	return c
}
