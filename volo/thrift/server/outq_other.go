//go:build !linux

package server

import "net"

// canTellUnacked says unacked works here: it does not, so a lingering
// connection waits for the peer's end of stream or the linger time.
const canTellUnacked = false

func unacked(net.Conn) (int, bool) { return 0, false }
