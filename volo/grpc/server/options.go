package server

import (
	"crypto/tls"
	"log/slog"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/internal/transport"
)

// An Option configures a [Server]. A size, count or duration of zero or
// less, or a nil value, means the option's default; a bound that can be
// turned off has a Without... option that does it (CONTRIBUTING.md's zero
// rule).
type Option interface {
	apply(*config)
}

type config struct {
	t            transport.Config
	middleware   []grpc.Middleware
	streamMW     []grpc.ServerStreamMiddleware
	maxConns     int
	tls          *tls.Config
	handshake    time.Duration
	codec        *metainfo.Codec
	logger       *slog.Logger
	panicDetails bool
	compression  string
	registry     discovery.Registry
	regService   string
	regInstance  discovery.Instance
}

// Defaults of the options.
const (
	// DefaultMaxRecvMsgSize bounds a request message, as grpc-go's does.
	DefaultMaxRecvMsgSize = transport.DefaultMaxRecvMsgSize
	// DefaultMaxConcurrentStreams bounds the calls one connection runs at
	// once (SETTINGS_MAX_CONCURRENT_STREAMS).
	DefaultMaxConcurrentStreams = transport.DefaultMaxConcurrentStreams
	// DefaultMaxHeaderListSize bounds a request's header list.
	DefaultMaxHeaderListSize = transport.DefaultMaxHeaderListSize
	// DefaultInitialWindowSize is each stream's flow-control window.
	DefaultInitialWindowSize = transport.DefaultInitialWindowSize
	// DefaultInitialConnWindowSize is each connection's window.
	DefaultInitialConnWindowSize = transport.DefaultInitialConnWindowSize
	// DefaultWriteTimeout bounds one write to a connection, and the wait
	// for a client to open its flow-control window.
	DefaultWriteTimeout = transport.DefaultWriteTimeout
	// DefaultHandshakeTimeout bounds the TLS handshake and the client
	// preface.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultKeepaliveTime and DefaultKeepaliveTimeout are grpc-go's: ping
	// a connection quiet for two hours, close it if nothing comes back in
	// 20 s.
	DefaultKeepaliveTime    = 2 * time.Hour
	DefaultKeepaliveTimeout = 20 * time.Second
	// DefaultMinPingInterval is the keepalive enforcement policy's least
	// time between a client's pings.
	DefaultMinPingInterval = transport.DefaultMinPingInterval
	// DefaultFloodLimit is how many frames that cost the peer nothing
	// (SETTINGS, PING, RST_STREAM, PRIORITY, WINDOW_UPDATE on closed
	// streams, empty DATA) a connection may send per second.
	DefaultFloodLimit = transport.DefaultFloodLimit
	// DefaultMaxConnRequestBytes bounds the bytes of unary requests one
	// connection holds buffered (64 MiB): without it a client could make
	// a connection hold max concurrent streams x max receive size (1000 x
	// 4 MiB).
	DefaultMaxConnRequestBytes = transport.DefaultMaxConnRequestBytes
)

func newConfig(opts []Option) config {
	c := config{
		t: transport.Config{
			KeepaliveTime:    DefaultKeepaliveTime,
			KeepaliveTimeout: DefaultKeepaliveTimeout,
			WriteTimeout:     DefaultWriteTimeout,
		},
		handshake: DefaultHandshakeTimeout,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	c.t = c.t.WithDefaults()
	if c.codec == nil {
		c.codec = metainfo.NewCodec()
	}
	if c.logger == nil {
		c.logger = slog.Default()
	}
	return c
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithMiddleware adds layers over the handlers, the first outermost.
// Default: none.
func WithMiddleware(mws ...grpc.Middleware) Option {
	return optionFunc(func(c *config) { c.middleware = append(c.middleware, mws...) })
}

// WithStreamMiddleware adds layers over the handlers of streaming
// methods, the first outermost; each may wrap call.ServerStream (see the
// grpc package's doc). Default: none.
func WithStreamMiddleware(mws ...grpc.ServerStreamMiddleware) Option {
	return optionFunc(func(c *config) { c.streamMW = append(c.streamMW, mws...) })
}

// WithMaxRecvMsgSize bounds a request message, checked against its length
// prefix before its bytes arrive and again after decompression; a larger
// one is answered with resource exhausted. Zero or less: the default,
// [DefaultMaxRecvMsgSize] (4 MiB).
func WithMaxRecvMsgSize(n int) Option {
	return optionFunc(func(c *config) { c.t.MaxRecvMsgSize = n })
}

// WithMaxSendMsgSize bounds a response message; a handler's larger answer
// becomes resource exhausted. Zero or less: the default, math.MaxInt32.
func WithMaxSendMsgSize(n int) Option {
	return optionFunc(func(c *config) { c.t.MaxSendMsgSize = n })
}

// WithMaxConcurrentStreams bounds the calls one connection runs at once: a
// call counts until its handler returns, even if the client reset it, so
// resetting streams frees nothing (the "rapid reset" pattern); streams
// over the limit are refused, and a client that keeps opening them is cut
// off. Zero: the default, [DefaultMaxConcurrentStreams].
func WithMaxConcurrentStreams(n uint32) Option {
	return optionFunc(func(c *config) { c.t.MaxConcurrentStreams = n })
}

// WithMaxHeaderListSize bounds a request's header list (hpack-decoded
// size, as HTTP/2 counts it); a larger one is answered with resource
// exhausted, and a header block whose frames reach twice the limit (an
// endless CONTINUATION chain) closes the connection. Zero: the default,
// [DefaultMaxHeaderListSize].
func WithMaxHeaderListSize(n uint32) Option {
	return optionFunc(func(c *config) { c.t.MaxHeaderListSize = n })
}

// WithInitialWindowSize sets each stream's flow-control window, at least
// 64 KiB - 1 (a smaller positive n is raised to it). Zero or less: the
// default, [DefaultInitialWindowSize].
func WithInitialWindowSize(n int32) Option {
	return optionFunc(func(c *config) { c.t.InitialWindowSize = n })
}

// WithInitialConnWindowSize sets each connection's flow-control window, at
// least 64 KiB - 1 (a smaller positive n is raised to it). Zero or less:
// the default, [DefaultInitialConnWindowSize].
func WithInitialConnWindowSize(n int32) Option {
	return optionFunc(func(c *config) { c.t.InitialConnWindowSize = n })
}

// WithWriteTimeout bounds each write to a connection and the wait for a
// client to open its flow-control window; a client that stops reading is
// cut off after it. Zero or less: the default, [DefaultWriteTimeout].
// [WithoutWriteTimeout] turns it off.
func WithWriteTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.t.WriteTimeout = orDefault(d, DefaultWriteTimeout) })
}

// WithoutWriteTimeout lets a write wait as long as the client takes to
// read, so a client that stops reading holds its connection until the
// keepalive or Shutdown ends it. Default: off, writes are bounded by
// [DefaultWriteTimeout].
func WithoutWriteTimeout() Option {
	return optionFunc(func(c *config) { c.t.WriteTimeout = -1 })
}

// orDefault is the zero rule: a value of zero or less is the default.
func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// WithKeepalive pings a connection from which nothing arrived for time,
// and closes it when nothing arrives within timeout after the ping.
// Zero or less: the defaults, [DefaultKeepaliveTime] and
// [DefaultKeepaliveTimeout]. [WithoutKeepalive] turns pinging off.
func WithKeepalive(time, timeout time.Duration) Option {
	return optionFunc(func(c *config) {
		c.t.KeepaliveTime = orDefault(time, DefaultKeepaliveTime)
		c.t.KeepaliveTimeout = orDefault(timeout, DefaultKeepaliveTimeout)
	})
}

// WithoutKeepalive never pings a quiet connection, which leaves a
// connection whose client vanished open until the idle timeout, if set, or
// Shutdown. Default: off, quiet connections are pinged after
// [DefaultKeepaliveTime].
func WithoutKeepalive() Option {
	return optionFunc(func(c *config) { c.t.KeepaliveTime, c.t.KeepaliveTimeout = 0, 0 })
}

// WithKeepaliveEnforcement is the policy for clients' pings: at most one
// per minTime, and none while the connection has no call unless
// permitWithoutStream. A client that breaks it more than twice gets GOAWAY
// ENHANCE_YOUR_CALM "too_many_pings" and is closed, as grpc-go does.
// A minTime of zero or less: the default, [DefaultMinPingInterval].
// Default: [DefaultMinPingInterval], false.
func WithKeepaliveEnforcement(minTime time.Duration, permitWithoutStream bool) Option {
	return optionFunc(func(c *config) {
		c.t.MinPingInterval, c.t.PermitWithoutStream = minTime, permitWithoutStream
	})
}

// WithIdleTimeout closes, with GOAWAY, a connection without a call for d.
// Zero or less: the default, none (idle connections stay open).
func WithIdleTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.t.IdleTimeout = max(d, 0) })
}

// WithFloodLimit sets how many frames that cost the peer nothing (SETTINGS,
// PING, RST_STREAM, PRIORITY, WINDOW_UPDATE on closed streams, empty
// DATA, refused streams) one connection may send per second; past it the
// connection gets GOAWAY ENHANCE_YOUR_CALM and is closed, and no other
// connection is touched. Zero or less: the default, [DefaultFloodLimit].
func WithFloodLimit(n int) Option {
	return optionFunc(func(c *config) { c.t.FloodLimit = n })
}

// WithMaxConnRequestBytes bounds the bytes of unary requests one
// connection holds buffered: arrived, their handlers not yet answered. The
// server gives flow-control window back as a unary request's bytes arrive,
// so the window does not bound them; a request whose bytes would take the
// connection past n is answered with resource exhausted, and its bytes are
// dropped. n is never below one largest request (WithMaxRecvMsgSize + 5).
// Zero or less: the default, [DefaultMaxConnRequestBytes] (64 MiB).
func WithMaxConnRequestBytes(n int64) Option {
	return optionFunc(func(c *config) { c.t.MaxConnRequestBytes = n })
}

// WithMaxConns caps the open connections: one accepted over the cap is
// closed at once. Zero or less: the default, no cap.
func WithMaxConns(n int) Option {
	return optionFunc(func(c *config) { c.maxConns = max(n, 0) })
}

// WithTLS serves TLS with ALPN "h2" instead of h2c (HTTP/2 over plain
// TCP with prior knowledge). cfg is cloned; "h2" is added to its
// NextProtos, and a client that negotiates anything else is closed.
// Nil: the default, h2c.
func WithTLS(cfg *tls.Config) Option {
	return optionFunc(func(c *config) {
		if cfg == nil {
			c.tls = nil
			return
		}
		c.tls = cfg.Clone()
		for _, p := range c.tls.NextProtos {
			if p == "h2" {
				return
			}
		}
		c.tls.NextProtos = append([]string{"h2"}, c.tls.NextProtos...)
	})
}

// WithHandshakeTimeout bounds the TLS handshake and the arrival of the
// client's HTTP/2 preface. Zero or less: the default,
// [DefaultHandshakeTimeout].
func WithHandshakeTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.handshake = orDefault(d, DefaultHandshakeTimeout) })
}

// WithCompression compresses responses with name ("gzip") when the client
// accepts it (grpc-accept-encoding). A response to a compressed request is
// compressed with the request's encoding anyway, as grpc-go does.
// Default: none; "" or "identity" keeps none.
func WithCompression(name string) Option {
	return optionFunc(func(c *config) {
		if name == "identity" {
			name = ""
		}
		c.compression = name
	})
}

// WithCodec sets the metainfo codec that reads rpc-persist-* and
// rpc-transit-* request headers into the handler's context and writes
// backward values as rpc-backward-* response headers. Nil: the default,
// metainfo.NewCodec().
func WithCodec(codec *metainfo.Codec) Option {
	return optionFunc(func(c *config) { c.codec = codec })
}

// WithLogger sets where the server reports what it cannot tell a peer: a
// failed handshake, a recovered panic. Nil: the default, slog.Default().
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// WithPanicDetails sends the value a handler panicked with to the caller,
// in the internal status's message. Default: off; the caller reads only
// that the handler panicked, and the server logs the value and stack.
func WithPanicDetails() Option {
	return optionFunc(func(c *config) { c.panicDetails = true })
}

// WithRegistry registers inst under service with reg when Serve starts,
// and deregisters it as Shutdown and Close stop accepting, as the Thrift
// server does. An empty inst.Addr takes the listener's, which must be
// dialable ([ErrUnregistrableAddr] otherwise). Default: none.
func WithRegistry(reg discovery.Registry, service string, inst discovery.Instance) Option {
	return optionFunc(func(c *config) {
		c.registry, c.regService, c.regInstance = reg, service, inst
	})
}
