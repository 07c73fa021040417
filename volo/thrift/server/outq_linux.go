package server

import (
	"net"
	"syscall"
	"unsafe"
)

// canTellUnacked says unacked works here.
const canTellUnacked = true

// unacked returns the bytes sent on nc that the peer has not acknowledged
// yet, the end of stream included (SIOCOUTQ). ok is false if nc is not a
// socket that can tell.
func unacked(nc net.Conn) (n int, ok bool) {
	sc, isSocket := nc.(syscall.Conn)
	if !isSocket {
		return 0, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, false
	}
	var out int32
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&out)))
	}); err != nil || errno != 0 {
		return 0, false
	}
	return int(out), true
}
