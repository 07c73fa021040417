package client

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo/grpc"
	itransport "github.com/govolo/volo/volo/grpc/internal/transport"
)

// Defaults of the options.
const (
	// DefaultConnectTimeout bounds making a connection: TCP, TLS and the
	// HTTP/2 preface.
	DefaultConnectTimeout = time.Second
	// DefaultReadWriteTimeout bounds a unary call without an earlier
	// deadline, as the Thrift client's does.
	DefaultReadWriteTimeout = 10 * time.Second
	// DefaultConnsPerAddr is how many HTTP/2 connections the pool of one
	// address opens at most; calls share them, each on a stream.
	DefaultConnsPerAddr = 2
	// DefaultMaxRecvMsgSize bounds a response message, as grpc-go's does.
	DefaultMaxRecvMsgSize = itransport.DefaultMaxRecvMsgSize
	// DefaultKeepaliveTimeout is how long a ping of [WithKeepalive] waits
	// for an answer, as grpc-go's client does.
	DefaultKeepaliveTimeout = 20 * time.Second
)

// An Option configures a [Client]. A size, count or duration of zero or
// less, or a nil value, means the option's default; a bound that can be
// turned off has a Without... option that does it (CONTRIBUTING.md's zero
// rule).
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	t              itransport.Config
	addr           string
	authority      string
	userAgent      string
	connectTimeout time.Duration
	rpcTimeout     time.Duration
	rwTimeout      time.Duration
	connsPerAddr   int
	compression    string
	tls            *tls.Config
	middleware     []grpc.Middleware
	streamMW       []grpc.ClientStreamMiddleware
	balancer       *discovery.Balancer
	balanceKey     func(ctx context.Context, call *grpc.Call) string
	retry          []grpc.Middleware
	perInstance    []grpc.Middleware
	codec          *metainfo.Codec
	dial           func(ctx context.Context, network, addr string) (net.Conn, error)
}

func newConfig(opts []Option) config {
	c := config{
		connectTimeout: DefaultConnectTimeout,
		rwTimeout:      DefaultReadWriteTimeout,
		connsPerAddr:   DefaultConnsPerAddr,
		userAgent:      "volo-grpc-go",
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	if c.codec == nil {
		c.codec = metainfo.NewCodec()
	}
	if c.dial == nil {
		d := &net.Dialer{}
		c.dial = d.DialContext
	}
	c.t = c.t.WithDefaults()
	return c
}

// WithAddress sets the address ("host:port") calls go to unless a call or
// a middleware sets its own ([WithHostPort], grpc.Call.Addr), or a load
// balancer picks one ([WithBalancer]). Default: none, so every call must
// name one, or a balancer must pick one.
func WithAddress(addr string) Option {
	return optionFunc(func(c *config) { c.addr = addr })
}

// WithAuthority sets the :authority header of every call. Default: the
// address the call goes to.
func WithAuthority(authority string) Option {
	return optionFunc(func(c *config) { c.authority = authority })
}

// WithUserAgent sets the user-agent header. Default: "volo-grpc-go".
func WithUserAgent(ua string) Option {
	return optionFunc(func(c *config) { c.userAgent = ua })
}

// WithConnectTimeout bounds making a new connection. Zero or less: the
// default, [DefaultConnectTimeout]. [WithoutConnectTimeout] turns it off.
func WithConnectTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.connectTimeout = orDefault(d, DefaultConnectTimeout) })
}

// WithoutConnectTimeout lets making a connection take as long as the
// call's deadline allows. Default: off, connecting is bounded by
// [DefaultConnectTimeout].
func WithoutConnectTimeout() Option {
	return optionFunc(func(c *config) { c.connectTimeout = 0 })
}

// orDefault is the zero rule: a value of zero or less is the default.
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// WithRPCTimeout bounds each unary call, as if its context had that
// deadline (an earlier deadline of the context wins); the deadline is sent
// to the server in grpc-timeout. Streaming calls are bounded only by their
// context. Zero or less: the default, no timeout beyond the context's.
func WithRPCTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.rpcTimeout = max(d, 0) })
}

// WithReadWriteTimeout bounds a unary call that has no earlier deadline,
// so a silent server cannot hold a caller for ever; unlike
// [WithRPCTimeout] it is not sent to the server. Zero or less: the
// default, [DefaultReadWriteTimeout]. [WithoutReadWriteTimeout] turns it
// off.
func WithReadWriteTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.rwTimeout = orDefault(d, DefaultReadWriteTimeout) })
}

// WithoutReadWriteTimeout lets a unary call without a deadline wait for
// its answer as long as the server takes. Default: off, such calls are
// bounded by [DefaultReadWriteTimeout].
func WithoutReadWriteTimeout() Option {
	return optionFunc(func(c *config) { c.rwTimeout = 0 })
}

// WithConnsPerAddr sets how many HTTP/2 connections the pool of one
// address opens at most. A call takes the least loaded open one; a new one
// is opened, in the background, when every open one carries calls and the
// pool is not full. Zero or less: the default, [DefaultConnsPerAddr].
func WithConnsPerAddr(n int) Option {
	return optionFunc(func(c *config) { c.connsPerAddr = orDefault(n, DefaultConnsPerAddr) })
}

// WithCompression compresses every request message with name ("gzip").
// Responses in any encoding the client supports are read regardless.
// Default: none; "" or "identity" keeps none.
func WithCompression(name string) Option {
	return optionFunc(func(c *config) {
		if name == "identity" {
			name = ""
		}
		c.compression = name
	})
}

// WithMaxRecvMsgSize bounds a response message, checked against its
// length prefix before its bytes arrive and again after decompression; a
// larger one fails the call with resource exhausted. Zero or less: the
// default, [DefaultMaxRecvMsgSize] (4 MiB).
func WithMaxRecvMsgSize(n int) Option {
	return optionFunc(func(c *config) { c.t.MaxRecvMsgSize = n })
}

// WithMaxSendMsgSize bounds a request message; a larger one fails the call
// with resource exhausted before anything is sent. Zero or less: the
// default, math.MaxInt32.
func WithMaxSendMsgSize(n int) Option {
	return optionFunc(func(c *config) { c.t.MaxSendMsgSize = n })
}

// WithMaxHeaderListSize bounds a response's header list; a larger one
// fails the call. Zero: the default, 64 KiB.
func WithMaxHeaderListSize(n uint32) Option {
	return optionFunc(func(c *config) { c.t.MaxHeaderListSize = n })
}

// WithInitialWindowSize sets each stream's and each connection's receive
// flow-control windows, each at least 64 KiB - 1 (a smaller positive one
// is raised to it). Zero or less: the defaults, 1 MiB per stream, 4 MiB
// per connection.
func WithInitialWindowSize(stream, conn int32) Option {
	return optionFunc(func(c *config) { c.t.InitialWindowSize, c.t.InitialConnWindowSize = stream, conn })
}

// WithKeepalive pings a connection from which nothing arrived for time,
// and closes it when nothing arrives within timeout after the ping;
// withoutCalls pings idle connections too (the server must permit it).
// A time of zero or less: the default, no keepalive; a timeout of zero or
// less: the default, [DefaultKeepaliveTimeout]. Default: no keepalive.
func WithKeepalive(time, timeout time.Duration, withoutCalls bool) Option {
	return optionFunc(func(c *config) {
		c.t.KeepaliveTime, c.t.KeepaliveTimeout, c.t.PermitWithoutStream = max(time, 0), orDefault(timeout, DefaultKeepaliveTimeout), withoutCalls
	})
}

// WithTLS dials TLS with ALPN "h2" instead of h2c. cfg is cloned and "h2"
// set as its NextProtos; a server that negotiates anything else is
// refused. Nil: the default, h2c.
func WithTLS(cfg *tls.Config) Option {
	return optionFunc(func(c *config) {
		if cfg == nil {
			c.tls = nil
			return
		}
		c.tls = cfg.Clone()
		c.tls.NextProtos = []string{"h2"}
	})
}

// WithMiddleware adds layers over the transport of unary calls, the first
// outermost. Default: none.
func WithMiddleware(mws ...grpc.Middleware) Option {
	return optionFunc(func(c *config) { c.middleware = append(c.middleware, mws...) })
}

// WithStreamMiddleware adds layers over the transport of streaming calls,
// the first outermost; each sees the opening of a stream and may wrap the
// stream it returns. They sit over the load balancer. Default: none.
func WithStreamMiddleware(mws ...grpc.ClientStreamMiddleware) Option {
	return optionFunc(func(c *config) { c.streamMW = append(c.streamMW, mws...) })
}

// WithBalancer sends each call to an instance that b picks, under the
// layers of [WithMiddleware] and over those of [WithInstanceMiddleware]. A
// call whose connection cannot be made (or that the server refused before
// it ran: REFUSED_STREAM, a GOAWAY that left it out) is retried on another
// instance, as b's options say (discovery.WithRetries); a call that
// reached an instance is not. A call with its own address ([WithHostPort])
// skips the balancer. Streams are balanced too.
//
// The balancer is shared, not owned: close it after the client. Default:
// none, calls go to the client's address.
func WithBalancer(b *discovery.Balancer) Option {
	return optionFunc(func(c *config) { c.balancer = b })
}

// WithBalanceKey gives the key a discovery.ConsistentHash balancer hashes
// for a call. Other policies ignore it. Default: none, every call has the
// empty key.
func WithBalanceKey(key func(ctx context.Context, call *grpc.Call) string) Option {
	return optionFunc(func(c *config) { c.balanceKey = key })
}

// WithRetry adds layers that may send one unary call more than once, such
// as ext/retry's, the first outermost, under the layers of
// [WithMiddleware] and over the load balancer, exactly as the Thrift
// client places them: with a balancer, the attempts of a call share a
// discovery.WithTried context, so each goes to an instance the call has
// not tried yet while there is one. Attempts that run at once (hedges)
// each need a call of their own: give the layer [CloneCall]. Streams are
// never retried. Default: none.
func WithRetry(mws ...grpc.Middleware) Option {
	return optionFunc(func(c *config) { c.retry = append(c.retry, mws...) })
}

// WithInstanceMiddleware adds layers under the load balancer of
// [WithBalancer], the first outermost, run once per attempt with the
// picked instance in the context (discovery.InstanceFromContext): the
// place for a circuit breaker per instance. Without a balancer they sit
// between the layers of [WithMiddleware] and the transport. Default: none.
func WithInstanceMiddleware(mws ...grpc.Middleware) Option {
	return optionFunc(func(c *config) { c.perInstance = append(c.perInstance, mws...) })
}

// WithCodec sets the metainfo codec that writes the context's persistent
// and transient values as rpc-persist-* and rpc-transit-* request headers
// and reads rpc-backward-* response headers. Nil: the default,
// metainfo.NewCodec().
func WithCodec(codec *metainfo.Codec) Option {
	return optionFunc(func(c *config) { c.codec = codec })
}

// WithDialer sets how connections are made, for an in-memory listener in
// tests or a custom transport. Nil: the default, a net.Dialer over TCP.
func WithDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) Option {
	return optionFunc(func(c *config) {
		if dial != nil {
			c.dial = dial
		}
	})
}

// A CallOption configures one call.
type CallOption interface {
	applyCall(*callOpts)
}

type callOpts struct {
	addr            string
	header, trailer *grpc.Metadata
}

type callOptionFunc func(*callOpts)

func (f callOptionFunc) applyCall(c *callOpts) { f(c) }

// WithHostPort sends one call to addr ("host:port") instead of the
// client's address or the balancer's pick.
func WithHostPort(addr string) CallOption {
	return callOptionFunc(func(c *callOpts) { c.addr = addr })
}

// ReceiveHeader stores a unary call's response header metadata in *md.
func ReceiveHeader(md *grpc.Metadata) CallOption {
	return callOptionFunc(func(c *callOpts) { c.header = md })
}

// ReceiveTrailer stores a unary call's trailer metadata in *md.
func ReceiveTrailer(md *grpc.Metadata) CallOption {
	return callOptionFunc(func(c *callOpts) { c.trailer = md })
}
