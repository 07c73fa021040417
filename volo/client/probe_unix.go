//go:build unix

package client

import (
	"errors"
	"net"
	"syscall"
)

// probe reads from the connection's socket without blocking: nothing to
// read (EAGAIN) means alive; end of stream, an error, or bytes nobody
// asked for mean the connection must not be reused. A deadline in the past
// cannot do this, because Go reports it as a timeout before it reads.
// Connections that are not sockets (net.Pipe) are taken as alive.
func probe(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	ok = false
	var b [1]byte
	err = rc.Read(func(fd uintptr) bool {
		n, rerr := syscall.Read(int(fd), b[:])
		ok = n <= 0 && errors.Is(rerr, syscall.EAGAIN)
		return true
	})
	return err == nil && ok
}
