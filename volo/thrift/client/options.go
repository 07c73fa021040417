package client

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

// Defaults of the options.
const (
	DefaultConnectTimeout   = time.Second
	DefaultReadWriteTimeout = 10 * time.Second
	DefaultMaxIdle          = 10
	DefaultMaxIdleTimeout   = 30 * time.Second
)

// An Option configures a [Client]. A duration or size of zero or less, or
// a nil value, means the option's default; a bound that can be turned off
// has a Without... option that does it (as every volo and ext option has,
// see CONTRIBUTING.md's zero rule).
type Option interface {
	apply(*config)
}

type config struct {
	addr           string
	framing        frame.Framing
	connectTimeout time.Duration
	rpcTimeout     time.Duration
	rwTimeout      time.Duration
	maxIdle        int
	muxConns       int
	idleTimeout    time.Duration
	maxFrame       int
	middleware     []thrift.Middleware
	balancer       *discovery.Balancer
	balanceKey     func(ctx context.Context, call *thrift.Call) string
	retry          []thrift.Middleware
	perInstance    []thrift.Middleware
	codec          *metainfo.Codec
	dial           func(ctx context.Context, network, addr string) (net.Conn, error)
	from           string
	tls            *tls.Config
	maxConns       int
	logger         *slog.Logger
}

func newConfig(opts []Option) config {
	c := config{
		framing:        frame.TTHeader,
		connectTimeout: DefaultConnectTimeout,
		rwTimeout:      DefaultReadWriteTimeout,
		maxIdle:        DefaultMaxIdle,
		idleTimeout:    DefaultMaxIdleTimeout,
		maxFrame:       frame.DefaultMaxFrameSize,
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
		c.dial = (&net.Dialer{}).DialContext
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithAddress sets the address ("host:port") calls go to unless a call or
// a middleware sets its own (see [WithHostPort] and thrift.Call.Addr), or a
// load balancer picks one ([WithBalancer]). Default: none, so every call
// must name one, or a discovery.LoadBalance layer in the stack must pick
// one (the transport reads discovery.InstanceFromContext).
func WithAddress(addr string) Option {
	return optionFunc(func(c *config) { c.addr = addr })
}

// WithFraming sets how requests are framed: frame.TTHeader (the default;
// metainfo, deadline and business errors travel only with it),
// frame.TTHeaderFramed, frame.Framed or frame.Buffered (for Apache Thrift
// servers). Any other value keeps the default.
func WithFraming(f frame.Framing) Option {
	return optionFunc(func(c *config) {
		if f >= frame.Buffered && f <= frame.TTHeaderFramed {
			c.framing = f
		}
	})
}

// WithConnectTimeout bounds making a new connection. Zero or less: the
// default, [DefaultConnectTimeout]. [WithoutConnectTimeout] leaves only
// the call's deadline to bound it.
func WithConnectTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.connectTimeout = orDefault(d, DefaultConnectTimeout) })
}

// WithoutConnectTimeout leaves only the call's deadline (its context's,
// or [WithRPCTimeout]'s) to bound making a new connection. Default: off,
// dials are bounded by [DefaultConnectTimeout].
func WithoutConnectTimeout() Option {
	return optionFunc(func(c *config) { c.connectTimeout = 0 })
}

// WithRPCTimeout bounds each call, as if its context had that deadline
// (an earlier deadline of the context wins); the deadline is sent to the
// server. Zero or less: the default, no timeout beyond the context's.
func WithRPCTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.rpcTimeout = max(d, 0) })
}

// WithReadWriteTimeout bounds writing a request and reading its reply
// when the call has no earlier deadline, so a silent server cannot hold a
// caller for ever. It is not sent to the server. Zero or less: the
// default, [DefaultReadWriteTimeout]. [WithoutReadWriteTimeout] turns it
// off.
func WithReadWriteTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.rwTimeout = orDefault(d, DefaultReadWriteTimeout) })
}

// WithoutReadWriteTimeout lets a call without a deadline wait for its
// reply for as long as the server takes, for ever if it never answers.
// Default: off, such calls are bounded by [DefaultReadWriteTimeout].
func WithoutReadWriteTimeout() Option {
	return optionFunc(func(c *config) { c.rwTimeout = 0 })
}

// WithMaxIdle caps the idle connections kept per address. Zero or less:
// the default, [DefaultMaxIdle]. [WithoutIdleConns] keeps none.
func WithMaxIdle(n int) Option {
	return optionFunc(func(c *config) { c.maxIdle = orDefault(n, DefaultMaxIdle) })
}

// WithoutIdleConns keeps no idle connection: each call dials its own
// connection and closes it after the reply. Default: off, up to
// [DefaultMaxIdle] are kept per address.
func WithoutIdleConns() Option {
	return optionFunc(func(c *config) { c.maxIdle = 0 })
}

// orDefault is the zero rule: a value of zero or less is the default.
func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// WithMultiplexing sends many calls at once over each of conns
// connections per address, instead of one call per pooled connection: each
// request carries its own sequence id and replies are matched to calls in
// whatever order they come, so a slow call holds up no other. The server
// must answer by sequence id, as volo's and Kitex's do (a server that
// answers in order, like Apache Thrift's simple servers, works too, without
// the concurrency). A call that gives up drops its reply when it comes; a
// connection that fails fails the calls waiting on it, and one the server
// asks to drop (crrst) takes no new calls and closes once its last reply is
// in. [WithMaxIdle] and [WithMaxIdleTimeout] do not apply. Zero or less:
// the default, no multiplexing.
func WithMultiplexing(conns int) Option {
	return optionFunc(func(c *config) { c.muxConns = max(conns, 0) })
}

// WithMaxIdleTimeout drops a pooled connection idle for longer than d
// instead of reusing it. Zero or less: the default,
// [DefaultMaxIdleTimeout]. [WithoutMaxIdleTimeout] removes the limit.
func WithMaxIdleTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.idleTimeout = orDefault(d, DefaultMaxIdleTimeout) })
}

// WithoutMaxIdleTimeout reuses a pooled connection however long it was
// idle (it is still probed first, so one the server closed is dropped).
// Default: off, connections idle past [DefaultMaxIdleTimeout] are dropped.
func WithoutMaxIdleTimeout() Option {
	return optionFunc(func(c *config) { c.idleTimeout = 0 })
}

// WithMaxFrameSize bounds a reply frame; a larger one fails the call with
// volo.ErrProtocol before it is read. Zero or less: the default,
// [frame.DefaultMaxFrameSize] (16 MiB); values above frame's maximum are
// lowered to it as frame.WithMaxFrameSize does.
func WithMaxFrameSize(n int) Option {
	return optionFunc(func(c *config) { c.maxFrame = orDefault(n, frame.DefaultMaxFrameSize) })
}

// WithMiddleware adds layers over the transport, the first outermost.
// Default: none.
func WithMiddleware(mws ...thrift.Middleware) Option {
	return optionFunc(func(c *config) { c.middleware = append(c.middleware, mws...) })
}

// WithBalancer sends each call to an instance that b picks, under the
// layers of [WithMiddleware] and over those of [WithInstanceMiddleware]. A
// call whose connection cannot be made is retried on another instance, as
// b's options say (discovery.WithRetries); a call that reached an instance
// is not. A call with its own address ([WithHostPort]) skips the balancer;
// the others never use [WithAddress]: with no instance to pick they fail
// with discovery.ErrNoInstance.
//
// The balancer is shared, not owned: close it after the client. Default:
// none, calls go to the client's address.
func WithBalancer(b *discovery.Balancer) Option {
	return optionFunc(func(c *config) { c.balancer = b })
}

// WithBalanceKey gives the key a discovery.ConsistentHash balancer hashes
// for a call, so that calls with the same key go to the same instance (a
// user ID, a shard). Other policies ignore it. Default: none, every call has
// the empty key.
func WithBalanceKey(key func(ctx context.Context, call *thrift.Call) string) Option {
	return optionFunc(func(c *config) { c.balanceKey = key })
}

// WithRetry adds layers that may send one call more than once, such as
// ext/retry's retry and hedging layer, the first outermost. They go under
// the layers of [WithMiddleware] and over the load balancer of
// [WithBalancer], so that each attempt picks an instance; with a balancer,
// the attempts of a call share a discovery.WithTried context, so a retry
// or a hedge goes to an instance the call has not tried yet while there is
// one (which costs one allocation per call). Without a balancer they sit
// over the layers of [WithInstanceMiddleware].
//
// Attempts that run at once (hedges) each need a call of their own, since
// the reply is decoded into the call's result: give the layer [CloneCall]
// (ext/retry's Requests.Clone). When the stack answers with a result struct
// other than the caller's, the client copies it into the caller's.
//
// volo imports no retry layer: a layer marks its retries in the context's
// persistent metainfo (ext/retry with Kitex's "RetryReq" key), which the
// client sends, and a volo server puts into its handler's context, so the
// handler's own calls send the mark on. Default: none.
func WithRetry(mws ...thrift.Middleware) Option {
	return optionFunc(func(c *config) { c.retry = append(c.retry, mws...) })
}

// WithInstanceMiddleware adds layers under the load balancer of
// [WithBalancer], the first outermost. They run once per attempt, with the
// picked instance in the context (discovery.InstanceFromContext): the place
// for a circuit breaker per instance. Without a balancer they sit between
// the layers of [WithMiddleware] and the transport. Default: none.
func WithInstanceMiddleware(mws ...thrift.Middleware) Option {
	return optionFunc(func(c *config) { c.perInstance = append(c.perInstance, mws...) })
}

// WithCodec sets the metainfo codec that writes the context's persistent
// and transient values into TTHeader requests and reads backward values
// from replies. Nil: the default, metainfo.NewCodec().
func WithCodec(codec *metainfo.Codec) Option {
	return optionFunc(func(c *config) { c.codec = codec })
}

// WithDialer sets how connections are made, for an in-memory listener in
// tests (volotest) or a custom transport. Nil: the default, a net.Dialer
// over TCP.
func WithDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) Option {
	return optionFunc(func(c *config) { c.dial = dial })
}

// WithTLS makes every connection a TLS client connection configured by
// cfg, over the connection the dialer makes ([WithDialer]); the handshake
// is bounded like the dial ([WithConnectTimeout] and the call's deadline),
// and a handshake that fails fails the call as a connection that could not
// be made (volo.ErrConnection, not sent, so a balancer tries another
// instance). Without cfg.ServerName, the host of the address dialled is
// verified. For mutual TLS, give the client's certificate in
// cfg.Certificates (or cfg.GetClientCertificate). Pooled connections are
// probed before reuse through the socket under TLS, so one the server
// closed is dropped rather than handed to a call. The client keeps cfg:
// do not change it after New. Default: nil, plain TCP.
func WithTLS(cfg *tls.Config) Option {
	return optionFunc(func(c *config) { c.tls = cfg })
}

// WithMaxConnsPerAddr caps the pooled connections open to each address,
// idle or in use, at n. A call that finds all n in use waits for one to
// be put back or closed, no later than its deadline (its context's, or
// [WithRPCTimeout]'s), and then fails with volo.ErrTimeout, marked as not
// sent so that a balancer may try another instance. A call without a
// deadline waits until its context ends. Multiplexed connections
// ([WithMultiplexing]) have their own count and ignore it. Zero or less:
// the default, no cap.
func WithMaxConnsPerAddr(n int) Option {
	return optionFunc(func(c *config) { c.maxConns = max(n, 0) })
}

// WithLogger sets where the client reports what happens to its
// connections below the calls' own errors, at debug level: a dial that
// failed, a pooled connection the peer had closed. Nil: the default, a
// logger that discards everything.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// WithFromService sets the caller's service name, sent in TTHeader's
// FromService key. Default: none.
func WithFromService(name string) Option {
	return optionFunc(func(c *config) { c.from = name })
}

// A CallOption configures one call.
type CallOption interface {
	applyCall(*thrift.Call)
}

type callOptionFunc func(*thrift.Call)

func (f callOptionFunc) applyCall(c *thrift.Call) { f(c) }

// WithHostPort sends one call to addr ("host:port") instead of the
// client's address.
func WithHostPort(addr string) CallOption {
	return callOptionFunc(func(c *thrift.Call) { c.Addr = addr })
}
