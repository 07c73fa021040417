package server

import (
	"testing"
	"time"

	"github.com/govolo/volo/volo/grpc/internal/transport"
)

// TestOptionsZeroIsDefault checks the zero rule: zero or less, or nil,
// gives each option's default, and only a Without... option turns a bound
// off.
func TestOptionsZeroIsDefault(t *testing.T) {
	def := newConfig(nil)
	for _, n := range []int{0, -1} {
		d := time.Duration(n)
		got := newConfig([]Option{
			WithMaxRecvMsgSize(5), WithMaxRecvMsgSize(n),
			WithMaxSendMsgSize(5), WithMaxSendMsgSize(n),
			WithMaxConcurrentStreams(5), WithMaxConcurrentStreams(0),
			WithMaxHeaderListSize(5), WithMaxHeaderListSize(0),
			WithInitialWindowSize(1 << 21), WithInitialWindowSize(int32(n)),
			WithInitialConnWindowSize(1 << 21), WithInitialConnWindowSize(int32(n)),
			WithWriteTimeout(time.Hour), WithWriteTimeout(d),
			WithKeepalive(time.Hour, time.Hour), WithKeepalive(d, d),
			WithKeepaliveEnforcement(time.Hour, false), WithKeepaliveEnforcement(d, false),
			WithIdleTimeout(time.Hour), WithIdleTimeout(d),
			WithFloodLimit(5), WithFloodLimit(n),
			WithMaxConnRequestBytes(1 << 30), WithMaxConnRequestBytes(int64(n)),
			WithMaxConns(5), WithMaxConns(n),
			WithHandshakeTimeout(time.Hour), WithHandshakeTimeout(d),
			WithTLS(nil), WithCodec(nil), WithLogger(nil),
		})
		want := map[string][2]any{
			"max receive":       {got.t.MaxRecvMsgSize, DefaultMaxRecvMsgSize},
			"max send":          {got.t.MaxSendMsgSize, transport.DefaultMaxSendMsgSize},
			"streams":           {got.t.MaxConcurrentStreams, uint32(DefaultMaxConcurrentStreams)},
			"header list":       {got.t.MaxHeaderListSize, uint32(DefaultMaxHeaderListSize)},
			"stream window":     {got.t.InitialWindowSize, int32(DefaultInitialWindowSize)},
			"conn window":       {got.t.InitialConnWindowSize, int32(DefaultInitialConnWindowSize)},
			"write timeout":     {got.t.WriteTimeout, DefaultWriteTimeout},
			"keepalive":         {got.t.KeepaliveTime, DefaultKeepaliveTime},
			"keepalive wait":    {got.t.KeepaliveTimeout, DefaultKeepaliveTimeout},
			"ping interval":     {got.t.MinPingInterval, DefaultMinPingInterval},
			"idle timeout":      {got.t.IdleTimeout, time.Duration(0)},
			"flood limit":       {got.t.FloodLimit, DefaultFloodLimit},
			"conn request":      {got.t.MaxConnRequestBytes, int64(DefaultMaxConnRequestBytes)},
			"max conns":         {got.maxConns, 0},
			"handshake":         {got.handshake, DefaultHandshakeTimeout},
			"default handshake": {def.handshake, DefaultHandshakeTimeout},
		}
		for name, v := range want {
			if v[0] != v[1] {
				t.Errorf("%d: %s = %v, want the default %v", n, name, v[0], v[1])
			}
		}
		if got.tls != nil || got.codec == nil || got.logger == nil {
			t.Errorf("%d: nil TLS, codec or logger is not the default", n)
		}
	}

	off := newConfig([]Option{WithoutWriteTimeout(), WithoutKeepalive()})
	if off.t.WriteTimeout != 0 || off.t.KeepaliveTime != 0 {
		t.Errorf("Without...: write timeout %v, keepalive %v; want both off", off.t.WriteTimeout, off.t.KeepaliveTime)
	}
	// A later With... option turns a bound back on.
	on := newConfig([]Option{WithoutWriteTimeout(), WithWriteTimeout(time.Minute), WithoutKeepalive(), WithKeepalive(time.Minute, 0)})
	if on.t.WriteTimeout != time.Minute || on.t.KeepaliveTime != time.Minute || on.t.KeepaliveTimeout != DefaultKeepaliveTimeout {
		t.Errorf("With... after Without...: %v %v %v", on.t.WriteTimeout, on.t.KeepaliveTime, on.t.KeepaliveTimeout)
	}
	// A positive window below HTTP/2's initial one is raised to it.
	small := newConfig([]Option{WithInitialWindowSize(1), WithInitialConnWindowSize(1)})
	if small.t.InitialWindowSize != 65535 || small.t.InitialConnWindowSize != 65535 {
		t.Errorf("small windows: %d %d, want 65535", small.t.InitialWindowSize, small.t.InitialConnWindowSize)
	}
}
