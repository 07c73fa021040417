package client

import "net"

// PeerClosed reports what the pool's probe before reuse sees of nc: true
// once the peer has ended the stream (or sent bytes nobody asked for).
// Where the probe cannot read without blocking it is always false.
func PeerClosed(nc net.Conn) bool {
	var p prober
	p.init(nc)
	return !p.alive()
}
