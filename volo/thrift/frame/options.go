package frame

import "github.com/govolo/volo/volo/thrift"

// Defaults of the reader's limits.
const (
	// DefaultMaxFrameSize bounds a frame's length field (the bytes after
	// it), and an unframed message: 16 MiB.
	DefaultMaxFrameSize = 16 << 20
	// DefaultMaxHeaderSize bounds a TTHeader's variable header: 64 KiB, as
	// Kitex does.
	DefaultMaxHeaderSize = 64 << 10
)

// An Option configures a [Reader].
type Option interface {
	apply(*config)
}

type config struct {
	maxFrame   int
	maxHeader  int
	bufferSize int
	thrift     []thrift.Option
}

func newConfig(opts []Option) config {
	c := config{
		maxFrame:   DefaultMaxFrameSize,
		maxHeader:  DefaultMaxHeaderSize,
		bufferSize: 4096,
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithMaxFrameSize bounds the size of a frame, counted as its length field
// counts it (everything after the 4-byte length), and of an unframed
// message. A frame that claims more is refused from its length, before
// anything is allocated for it. Default: [DefaultMaxFrameSize]. A value <= 0
// keeps the default; values over 1 GiB are clamped to it, so that sizes stay
// in an int on every platform.
func WithMaxFrameSize(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxFrame = min(n, 1<<30)
		}
	})
}

// WithMaxHeaderSize bounds a TTHeader's variable header, in bytes. Default:
// [DefaultMaxHeaderSize]. A value <= 0 keeps the default; values over
// [MaxHeaderSize] are clamped to it.
func WithMaxHeaderSize(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxHeader = min(n, MaxHeaderSize)
		}
	})
}

// WithBufferSize sets the size of the read buffer NewReader puts in front of
// a reader that is not already a large enough *bufio.Reader. An unframed
// message that fits in it is found in one pass. Default: 4096. Values under
// 16 are clamped to 16.
func WithBufferSize(n int) Option {
	return optionFunc(func(c *config) {
		c.bufferSize = max(n, 16)
	})
}

// WithThriftLimits sets the limits (string and container size, depth) used
// to find the end of unframed messages; see thrift.WithMaxDepth and the
// others. Default: the thrift package's defaults.
func WithThriftLimits(opts ...thrift.Option) Option {
	return optionFunc(func(c *config) {
		c.thrift = append(c.thrift, opts...)
	})
}
