package server

import (
	"log/slog"
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
	maxCalls     int
	maxFrame     int
	codec        *metainfo.Codec
	logger       *slog.Logger
	registry     discovery.Registry
	regService   string
	regInstance  discovery.Instance
	panicDetails bool
}

// Defaults of the options.
const (
	DefaultReadTimeout  = 30 * time.Second
	DefaultWriteTimeout = 30 * time.Second
	DefaultIdleTimeout  = 10 * time.Minute
	// DefaultMaxCallsPerConn bounds the calls one connection runs at once.
	DefaultMaxCallsPerConn = 1000
)

func newConfig(opts []Option) config {
	c := config{
		readTimeout:  DefaultReadTimeout,
		writeTimeout: DefaultWriteTimeout,
		idleTimeout:  DefaultIdleTimeout,
		maxCalls:     DefaultMaxCallsPerConn,
		maxFrame:     frame.DefaultMaxFrameSize,
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

// WithMaxConns caps the open connections: one accepted over the cap is
// closed at once. Default: no cap; zero or less keeps no cap.
func WithMaxConns(n int) Option {
	return optionFunc(func(c *config) { c.maxConns = max(n, 0) })
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
