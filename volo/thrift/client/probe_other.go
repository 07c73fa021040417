//go:build !unix

package client

import "net"

// prober cannot read without blocking here: a pooled connection is taken
// as alive, and a call that finds it closed fails with volo.ErrConnection.
type prober struct{}

func (*prober) init(net.Conn) {}

func (*prober) alive() bool { return true }
