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

// An Option configures a [Server]. Timeouts and limits of zero or less
// disable what they bound, except where the option says otherwise.
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
// cut off. Default: [DefaultReadTimeout]; zero or less disables it.
func WithReadTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.readTimeout = max(d, 0) })
}

// WithWriteTimeout bounds writing one reply. Default:
// [DefaultWriteTimeout]; zero or less disables it.
func WithWriteTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.writeTimeout = max(d, 0) })
}

// WithIdleTimeout closes a connection that sends no request for d while
// none of its calls is running. Default: [DefaultIdleTimeout]; zero or less
// disables it.
func WithIdleTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) { c.idleTimeout = max(d, 0) })
}

// WithMaxConns caps the open connections. At the cap, a new connection
// takes the place of the one idle for longest (no call and no request for
// a second or more), which is closed gracefully; if none is idle, the new
// connection is refused, closed at once, and the server rests a moment
// (5 ms, or until a connection ends) before it accepts again, so that a
// flood of connections costs little; refusals are logged once a second.
// Default: [DefaultMaxConns], lowered to 7/8 of the limit on open files
// (which Serve raises to its hard maximum and logs); zero or less: no cap.
func WithMaxConns(n int) Option {
	return optionFunc(func(c *config) { c.maxConns, c.maxConnsSet = max(n, 0), true })
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
// [DefaultMaxBytesInFlight] (64 MiB); zero or less: no budget.
func WithMaxBytesInFlight(n int64) Option {
	return optionFunc(func(c *config) { c.maxInFlight = max(n, 0) })
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
// reply arrived: d bounds that too. Default: [DefaultLinger] (2 s); zero or less closes at
// once after the last reply.
func WithLinger(d time.Duration) Option {
	return optionFunc(func(c *config) { c.linger = max(d, 0) })
}

// WithMaxCallsPerConn bounds the calls one connection runs at once, so a
// peer that pipelines without end cannot start a goroutine per request:
// at the cap the server stops reading that connection until a call ends,
// and TCP pushes back on the peer. Default: [DefaultMaxCallsPerConn]; zero
// or less means no cap.
func WithMaxCallsPerConn(n int) Option {
	return optionFunc(func(c *config) { c.maxCalls = max(n, 0) })
}

// WithMaxFrameSize bounds a request frame; a frame that claims more is
// refused from its length field, before anything is allocated, and its
// connection is closed. Default: [frame.DefaultMaxFrameSize] (16 MiB);
// values are clamped as frame.WithMaxFrameSize does.
func WithMaxFrameSize(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxFrame = n
		}
	})
}

// WithCodec sets the metainfo codec that reads metainfo from TTHeader
// requests and writes backward values into replies (its limits, and
// whether backward keys are prefixed as Volo does or raw as Kitex does).
// Default: metainfo.NewCodec(), prefixed backward keys.
func WithCodec(codec *metainfo.Codec) Option {
	return optionFunc(func(c *config) { c.codec = codec })
}

// WithLogger sets where the server reports what it cannot report to a
// peer: a protocol it does not speak, a recovered panic, a failed write.
// Default: slog.Default().
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
