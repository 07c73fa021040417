package client

import (
	"testing"
	"time"

	itransport "github.com/govolo/volo/volo/grpc/internal/transport"
)

// TestOptionsZeroIsDefault checks the zero rule: zero or less, or nil,
// gives each option's default, and only a Without... option turns a bound
// off.
func TestOptionsZeroIsDefault(t *testing.T) {
	for _, n := range []int{0, -1} {
		d := time.Duration(n)
		got := newConfig([]Option{
			WithConnectTimeout(time.Hour), WithConnectTimeout(d),
			WithRPCTimeout(time.Hour), WithRPCTimeout(d),
			WithReadWriteTimeout(time.Hour), WithReadWriteTimeout(d),
			WithConnsPerAddr(5), WithConnsPerAddr(n),
			WithMaxRecvMsgSize(5), WithMaxRecvMsgSize(n),
			WithMaxSendMsgSize(5), WithMaxSendMsgSize(n),
			WithMaxHeaderListSize(5), WithMaxHeaderListSize(0),
			WithInitialWindowSize(1<<21, 1<<22), WithInitialWindowSize(int32(n), int32(n)),
			WithKeepalive(time.Hour, time.Hour, false), WithKeepalive(d, d, false),
			WithTLS(nil), WithCodec(nil), WithDialer(nil),
		})
		want := map[string][2]any{
			"connect timeout": {got.connectTimeout, DefaultConnectTimeout},
			"rpc timeout":     {got.rpcTimeout, time.Duration(0)},
			"rw timeout":      {got.rwTimeout, DefaultReadWriteTimeout},
			"conns per addr":  {got.connsPerAddr, DefaultConnsPerAddr},
			"max receive":     {got.t.MaxRecvMsgSize, DefaultMaxRecvMsgSize},
			"max send":        {got.t.MaxSendMsgSize, itransport.DefaultMaxSendMsgSize},
			"header list":     {got.t.MaxHeaderListSize, uint32(itransport.DefaultMaxHeaderListSize)},
			"stream window":   {got.t.InitialWindowSize, int32(itransport.DefaultInitialWindowSize)},
			"conn window":     {got.t.InitialConnWindowSize, int32(itransport.DefaultInitialConnWindowSize)},
			"keepalive":       {got.t.KeepaliveTime, time.Duration(0)},
			"keepalive wait":  {got.t.KeepaliveTimeout, DefaultKeepaliveTimeout},
		}
		for name, v := range want {
			if v[0] != v[1] {
				t.Errorf("%d: %s = %v, want the default %v", n, name, v[0], v[1])
			}
		}
		if got.tls != nil || got.codec == nil || got.dial == nil {
			t.Errorf("%d: nil TLS, codec or dialer is not the default", n)
		}
	}

	off := newConfig([]Option{WithoutConnectTimeout(), WithoutReadWriteTimeout()})
	if off.connectTimeout != 0 || off.rwTimeout != 0 {
		t.Errorf("Without...: connect %v, read-write %v; want both off", off.connectTimeout, off.rwTimeout)
	}
	on := newConfig([]Option{WithoutConnectTimeout(), WithConnectTimeout(time.Minute), WithoutReadWriteTimeout(), WithReadWriteTimeout(time.Minute)})
	if on.connectTimeout != time.Minute || on.rwTimeout != time.Minute {
		t.Errorf("With... after Without...: %v %v", on.connectTimeout, on.rwTimeout)
	}
	small := newConfig([]Option{WithInitialWindowSize(1, 1)})
	if small.t.InitialWindowSize != 65535 || small.t.InitialConnWindowSize != 65535 {
		t.Errorf("small windows: %d %d, want 65535", small.t.InitialWindowSize, small.t.InitialConnWindowSize)
	}
}
