package server

import (
	"crypto/tls"
	"log/slog"
	"net"
	"time"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

// An Option configures a [Server]. A timeout or limit of zero or less, or
// a nil value, means the option's default; a bound that can be turned off
// has a Without... option that does it (as every volo and ext option has,
// see CONTRIBUTING.md's zero rule).
type Option interface {
	apply(*config)
}

type config struct {
	middleware   []thrift.Middleware
	readTimeout  time.Duration
	writeTimeout time.Duration
	idleTimeout  time.Duration
	maxConns     int
	maxConnsSet  bool
	maxCalls     int
	maxInFlight  int64
	linger       time.Duration
	maxFrame     int
	codec        *metainfo.Codec
	logger       *slog.Logger
	registry     discovery.Registry
	regService   string
	regInstance  discovery.Instance
	panicDetails bool
	tls          *tls.Config
	onReady      func(net.Addr)
}

// Defaults of the options.
const (
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 30 * time.Second
	DefaultIdleTimeout  = 10 * time.Minute
	// DefaultMaxCallsPerConn bounds the calls one connection runs at once.
	DefaultMaxCallsPerConn = 1000
	// DefaultMaxConns caps the open connections: idle, each costs about
	// 20 KiB (a goroutine, a read buffer, the socket), so 10,000 hold about
	// 200 MiB at most, while descriptors are left for the rest of the
	// process. Serve lowers it to 7/8 of the limit on open files when
	// that is lower.
	DefaultMaxConns = 10000
	// DefaultMaxBytesInFlight is the server-wide budget of bytes held for
	// calls (requests read and replies not yet written).
	DefaultMaxBytesInFlight = 64 << 20
	// DefaultLinger bounds how long a connection closed gracefully waits
	// for its peer to end the stream.
	DefaultLinger = 2 * time.Second
)

func newConfig(opts []Option) config {
	c := config{
		readTimeout:  DefaultReadTimeout,
		writeTimeout: DefaultWriteTimeout,
		idleTimeout:  DefaultIdleTimeout,
		maxCalls:     DefaultMaxCallsPerConn,
		maxFrame:     frame.DefaultMaxFrameSize,
		maxInFlight:  DefaultMaxBytesInFlight,
		linger:       DefaultLinger,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
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

// WithMiddleware adds layers over the handlers, the first outermost. Each
// call goes through them after it is routed and decoded. Default: none.
func WithMiddleware(mws ...thrift.Middleware) Option {
	return optionFunc(func(c *config) { c.middleware = append(c.middleware, mws...) })
}

// WithReadTimeout bounds the time to read the rest of a request once its
// first byte has arrived, so a peer that sends half a frame and stalls is
// cut off. Zero or less: the default, [DefaultReadTimeout].
// [WithoutReadTimeout] turns it off.
func WithReadTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.readTimeout = orDefault(d, DefaultReadTimeout) })
}

// WithoutReadTimeout lets a peer take as long as it likes to send the rest
// of a request it has started, which leaves a stalled peer holding its
// connection until the idle timeout or Shutdown. Default: off, requests
// are bounded by [DefaultReadTimeout].
func WithoutReadTimeout() Option {
	return optionFunc(func(c *config) { c.readTimeout = 0 })
}

// WithWriteTimeout bounds writing one reply. Zero or less: the default,
// [DefaultWriteTimeout]. [WithoutWriteTimeout] turns it off.
func WithWriteTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.writeTimeout = orDefault(d, DefaultWriteTimeout) })
}

// WithoutWriteTimeout lets writing a reply take as long as the peer takes
// to read it. Default: off, replies are bounded by [DefaultWriteTimeout].
func WithoutWriteTimeout() Option {
	return optionFunc(func(c *config) { c.writeTimeout = 0 })
}

// WithIdleTimeout closes a connection that sends no request for d while
// none of its calls is running. Zero or less: the default,
// [DefaultIdleTimeout]. [WithoutIdleTimeout] turns it off.
func WithIdleTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.idleTimeout = orDefault(d, DefaultIdleTimeout) })
}

// WithoutIdleTimeout keeps idle connections open until the peer closes
// them, the connection cap evicts them or Shutdown. Default: off, idle
// connections close after [DefaultIdleTimeout].
func WithoutIdleTimeout() Option {
	return optionFunc(func(c *config) { c.idleTimeout = 0 })
}

// orDefault is the zero rule: a value of zero or less is the default.
func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// WithMaxConns caps the open connections. At the cap, a new connection
// takes the place of the one idle for longest (no call and no request for
// a second or more), which is closed gracefully; if none is idle, the new
// connection is refused, closed at once, and the server rests a moment
// (5 ms, or until a connection ends) before it accepts again, so that a
// flood of connections costs little; refusals are logged once a second.
// Default: [DefaultMaxConns], lowered to 7/8 of the limit on open files
// (which Serve raises to its hard maximum and logs). Zero or less: the
// default. [WithoutConnCap] removes the cap.
func WithMaxConns(n int) Option {
	return optionFunc(func(c *config) {
		if n <= 0 {
			c.maxConns, c.maxConnsSet = 0, false
			return
		}
		c.maxConns, c.maxConnsSet = n, true
	})
}

// WithoutConnCap lets the server accept connections until the system
// refuses them (the limit on open files), with no eviction of idle ones.
// Default: off, connections are capped as [WithMaxConns] says.
func WithoutConnCap() Option {
	return optionFunc(func(c *config) { c.maxConns, c.maxConnsSet = 0, true })
}

// WithMaxBytesInFlight sets the server-wide budget of bytes held for
// calls: each request's frame from when it is read until its call ends,
// and each reply from when it is encoded until it is written. Over the
// budget, a connection that holds bytes stops reading requests until it
// holds fewer, and none may hold more than 1/8 of the budget and read on,
// so a peer that pipelines requests and never reads the replies is pushed
// back by TCP without holding up the others; a connection that holds
// nothing may always read its next request, so every peer makes progress
// (the budget can be passed by one request per such connection). Default:
// [DefaultMaxBytesInFlight] (64 MiB); zero or less: the default.
// [WithoutByteBudget] removes the budget.
func WithMaxBytesInFlight(n int64) Option {
	return optionFunc(func(c *config) { c.maxInFlight = orDefault(n, DefaultMaxBytesInFlight) })
}

// WithoutByteBudget lets every connection read requests however many
// bytes the server holds for calls, bounded only by the calls per
// connection and the frame size. Default: off, the budget is
// [DefaultMaxBytesInFlight].
func WithoutByteBudget() Option {
	return optionFunc(func(c *config) { c.maxInFlight = 0 })
}

// WithLinger bounds the end of a graceful close (Shutdown, the idle
// timeout, a connection closed at the cap): once its last reply is
// written, the server ends its side of the stream (half-close) and reads
// and discards what the peer still sends, until the peer ends its side or
// d passes, so that unread bytes never make the kernel reset the
// connection and destroy replies still on their way. Where the system
// tells (Linux), the wait also ends once every byte sent is acknowledged
// and nothing arrived for 100 ms. Before that, a connection Shutdown
// drains goes on answering new requests with the not-run refusal until
// the peer closes it (volo's clients do once told of the drain and
// answered), or, if the peer was told nothing, for 100 ms after the last
// reply arrived: d bounds that too. Zero or less: the default,
// [DefaultLinger] (2 s). [WithoutLinger] closes at once instead.
func WithLinger(d time.Duration) Option {
	return optionFunc(func(c *config) { c.linger = orDefault(d, DefaultLinger) })
}

// WithoutLinger closes a connection at once after its last reply in a
// graceful close, without waiting for the peer, at the risk that a reply
// still on its way is destroyed by a reset. Default: off, the server
// lingers for [DefaultLinger].
func WithoutLinger() Option {
	return optionFunc(func(c *config) { c.linger = 0 })
}

// WithMaxCallsPerConn bounds the calls one connection runs at once, so a
// peer that pipelines without end cannot start a goroutine per request:
// at the cap the server stops reading that connection until a call ends,
// and TCP pushes back on the peer. Zero or less: the default,
// [DefaultMaxCallsPerConn]. [WithoutCallCap] removes the cap.
func WithMaxCallsPerConn(n int) Option {
	return optionFunc(func(c *config) { c.maxCalls = orDefault(n, DefaultMaxCallsPerConn) })
}

// WithoutCallCap lets one connection run any number of calls at once, a
// goroutine each, bounded only by the byte budget. Default: off, the cap
// is [DefaultMaxCallsPerConn].
func WithoutCallCap() Option {
	return optionFunc(func(c *config) { c.maxCalls = 0 })
}

// WithMaxFrameSize bounds a request frame; a frame that claims more is
// refused from its length field, before anything is allocated, and its
// connection is closed. Zero or less: the default,
// [frame.DefaultMaxFrameSize] (16 MiB); values above frame's maximum are
// lowered to it as frame.WithMaxFrameSize does.
func WithMaxFrameSize(n int) Option {
	return optionFunc(func(c *config) { c.maxFrame = orDefault(n, frame.DefaultMaxFrameSize) })
}

// WithCodec sets the metainfo codec that reads metainfo from TTHeader
// requests and writes backward values into replies (its limits, and
// whether backward keys are prefixed as Volo does or raw as Kitex does).
// Nil: the default, metainfo.NewCodec(), prefixed backward keys.
func WithCodec(codec *metainfo.Codec) Option {
	return optionFunc(func(c *config) { c.codec = codec })
}

// WithLogger sets where the server reports what it cannot report to a
// peer: a protocol it does not speak, a recovered panic, a failed write.
// Nil: the default, slog.Default().
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}

// WithPanicDetails sends the value a handler panicked with to the caller,
// in the INTERNAL_ERROR exception's message, both for panics the server
// recovers and for those a layer (motore.CatchPanic) turned into an error.
// Default: off; the caller reads only that the method's handler panicked,
// and the server logs the value and stack of the panics it recovers
// (WithLogger), since a panic's text can say more about the server than a
// caller should learn.
func WithPanicDetails() Option {
	return optionFunc(func(c *config) { c.panicDetails = true })
}

// WithRegistry makes the server known to callers through reg: each Serve
// registers inst under service before it accepts connections, and Shutdown
// and Close deregister it as soon as they stop accepting, before the calls
// in flight are drained, so that balancers stop picking the server while it
// finishes them (a client that picks it meanwhile cannot connect, and a
// volo client with a balancer retries such a call elsewhere). An empty
// inst.Addr takes the listener's address, which must then be one peers can
// dial: a listener on 0.0.0.0 or [::] makes Serve fail with
// [ErrUnregistrableAddr]. A failed registration makes Serve close the
// listener and return the error; a failed deregistration is logged.
// Default: no registry.
func WithRegistry(reg discovery.Registry, service string, inst discovery.Instance) Option {
	return optionFunc(func(c *config) {
		c.registry, c.regService, c.regInstance = reg, service, inst
	})
}
