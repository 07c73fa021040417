// Package transport is gRPC's HTTP/2 transport, server and client side,
// built on golang.org/x/net/http2's Framer and hpack: one reader and one
// batching writer per connection, flow control, bounded headers and
// messages, keepalive with enforcement, GOAWAY and a bounded drain.
package transport

import (
	"errors"
	"math"
	"time"
)

// Config holds the limits of one side. Zero fields take the defaults below
// (see withDefaults).
type Config struct {
	MaxRecvMsgSize        int
	MaxSendMsgSize        int
	MaxConcurrentStreams  uint32 // server: advertised and enforced
	InitialWindowSize     int32  // per stream, advertised
	InitialConnWindowSize int32
	MaxFrameSize          uint32 // largest frame read, advertised
	MaxHeaderListSize     uint32 // largest header list read, advertised
	WriteBufferSize       int    // pending bytes before writers wait
	WriteTimeout          time.Duration

	// Keepalive: after KeepaliveTime without a frame read, ping; close
	// when no frame arrives within KeepaliveTimeout. Zero disables.
	KeepaliveTime    time.Duration
	KeepaliveTimeout time.Duration
	// PermitWithoutStream: the client pings with no call in flight; the
	// server allows it.
	PermitWithoutStream bool
	// MinPingInterval (server): a peer that pings more often gets strikes,
	// and GOAWAY ENHANCE_YOUR_CALM after MaxPingStrikes.
	MinPingInterval time.Duration
	// IdleTimeout (server): close a connection without streams for that
	// long (GOAWAY first).
	IdleTimeout time.Duration
	// FloodLimit: frames that cost the peer nothing and us work
	// (SETTINGS, PING, RST_STREAM, PRIORITY, WINDOW_UPDATE, empty DATA,
	// refused streams) allowed per second before the connection is cut.
	FloodLimit int
	// MaxConnRequestBytes (server): the bytes of unary requests one
	// connection may hold buffered, arrived but not yet answered; a
	// request that would take it past the bound is refused with resource
	// exhausted. Never below one largest message (MaxRecvMsgSize + 5).
	MaxConnRequestBytes int64
}

// Defaults.
const (
	DefaultMaxRecvMsgSize        = 4 << 20
	DefaultMaxSendMsgSize        = math.MaxInt32
	DefaultMaxConcurrentStreams  = 1000
	DefaultInitialWindowSize     = 1 << 20
	DefaultInitialConnWindowSize = 4 << 20
	DefaultMaxFrameSize          = 16 << 10
	DefaultMaxHeaderListSize     = 64 << 10
	DefaultWriteBufferSize       = 64 << 10
	DefaultWriteTimeout          = 30 * time.Second
	DefaultMinPingInterval       = 5 * time.Minute
	DefaultFloodLimit            = 1000
	DefaultMaxConnRequestBytes   = 64 << 20
	// MaxPingStrikes is how many too-early pings a server forgives.
	MaxPingStrikes = 2
	// maxControlBacklog bounds the bytes of frames queued in answer to
	// the peer (acks, resets) when it does not read them.
	maxControlBacklog = 1 << 20
)

// WithDefaults returns c with fields of zero or less set to the defaults
// and positive out-of-range ones moved to the nearest value HTTP/2 allows.
func (c Config) WithDefaults() Config {
	if c.MaxRecvMsgSize <= 0 {
		c.MaxRecvMsgSize = DefaultMaxRecvMsgSize
	}
	if c.MaxSendMsgSize <= 0 {
		c.MaxSendMsgSize = DefaultMaxSendMsgSize
	}
	if c.MaxConcurrentStreams == 0 {
		c.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	// Zero or less is the default; a positive window below HTTP/2's
	// initial one is raised to it.
	switch {
	case c.InitialWindowSize <= 0:
		c.InitialWindowSize = DefaultInitialWindowSize
	case c.InitialWindowSize < 65535:
		c.InitialWindowSize = 65535
	}
	switch {
	case c.InitialConnWindowSize <= 0:
		c.InitialConnWindowSize = DefaultInitialConnWindowSize
	case c.InitialConnWindowSize < 65535:
		c.InitialConnWindowSize = 65535
	}
	switch {
	case c.MaxFrameSize == 0:
		c.MaxFrameSize = DefaultMaxFrameSize
	case c.MaxFrameSize < 16<<10:
		c.MaxFrameSize = 16 << 10
	case c.MaxFrameSize > 1<<24-1:
		c.MaxFrameSize = 1<<24 - 1
	}
	if c.MaxHeaderListSize == 0 {
		c.MaxHeaderListSize = DefaultMaxHeaderListSize
	}
	if c.WriteBufferSize <= 0 {
		c.WriteBufferSize = DefaultWriteBufferSize
	}
	if c.WriteTimeout < 0 {
		c.WriteTimeout = 0
	}
	if c.MinPingInterval <= 0 {
		c.MinPingInterval = DefaultMinPingInterval
	}
	if c.FloodLimit <= 0 {
		c.FloodLimit = DefaultFloodLimit
	}
	if c.MaxConnRequestBytes <= 0 {
		c.MaxConnRequestBytes = DefaultMaxConnRequestBytes
	}
	c.MaxConnRequestBytes = max(c.MaxConnRequestBytes, int64(c.MaxRecvMsgSize)+5)
	return c
}

// Errors.
var (
	// ErrClosed: the connection is closed.
	ErrClosed = errors.New("connection closed")
	// ErrNotSent wraps failures that happened before any byte of the
	// request left: the call may be retried elsewhere.
	ErrNotSent = errors.New("request not sent")
	// ErrGoAway: the peer sent GOAWAY.
	ErrGoAway = errors.New("peer sent GOAWAY")
	// ErrProtocol: the peer broke HTTP/2 or gRPC.
	ErrProtocol = errors.New("protocol error")
	// ErrTooLarge: a message or header list over a limit.
	ErrTooLarge = errors.New("over the size limit")
	// ErrReset: the peer reset the stream.
	ErrReset = errors.New("stream reset by the peer")
	// ErrFlood: the peer sent too many frames that cost it nothing.
	ErrFlood = errors.New("flood of control frames")
	// ErrKeepalive: the peer did not answer a keepalive ping in time.
	ErrKeepalive = errors.New("keepalive timeout")
)

// readBufferSize is each connection's read buffer: small, since an idle
// connection keeps it (DATA frames of its size or more bypass it).
const readBufferSize = 4 << 10
