//go:build unix

package client

import (
	"errors"
	"net"
	"syscall"
)

// prober reads from a connection's socket without blocking: nothing to
// read (EAGAIN) means alive; end of stream, an error, or bytes nobody
// asked for mean the connection must not be reused. A deadline in the past
// cannot do this, because Go reports it as a timeout before it reads.
// Connections that are not sockets (net.Pipe) are taken as alive; a TLS
// connection is probed through the socket under it.
type prober struct {
	rc   syscall.RawConn
	read func(fd uintptr) bool // made once, so a probe allocates nothing
	ok   bool
	b    [1]byte
}

func (p *prober) init(nc net.Conn) {
	if u, ok := nc.(interface{ NetConn() net.Conn }); ok {
		// A *tls.Conn: probe its socket. A peer's close_notify alert is
		// bytes nobody asked for, and its FIN an end of stream, so a TLS
		// connection the server closed is dropped like a plain one.
		nc = u.NetConn()
	}
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return
	}
	p.rc = rc
	p.read = func(fd uintptr) bool {
		n, err := syscall.Read(int(fd), p.b[:])
		p.ok = n <= 0 && errors.Is(err, syscall.EAGAIN)
		return true
	}
}

func (p *prober) alive() bool {
	if p.rc == nil {
		return true
	}
	p.ok = false
	if err := p.rc.Read(p.read); err != nil {
		return false
	}
	return p.ok
}
