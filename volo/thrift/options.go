package thrift

import "math"

// Defaults of the decoder's limits.
const (
	// DefaultMaxStringSize bounds a string or binary value: 16 MiB, the
	// default frame size limit, since no value can be larger than its frame.
	DefaultMaxStringSize = 16 << 20
	// DefaultMaxContainerSize bounds the element count of a list, set or map.
	DefaultMaxContainerSize = 1 << 20
	// DefaultMaxDepth bounds the nesting of structs and containers, as
	// Apache Thrift's default recursion limit does.
	DefaultMaxDepth = 64
)

// An Option sets a limit of a [Decoder] or a [Scanner].
type Option interface {
	apply(*config)
}

type config struct {
	maxString    int
	maxContainer int
	maxDepth     int
}

func newConfig(opts []Option) config {
	c := config{
		maxString:    DefaultMaxStringSize,
		maxContainer: DefaultMaxContainerSize,
		maxDepth:     DefaultMaxDepth,
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

// WithMaxStringSize bounds the length of a string or binary value, in
// bytes. Default: [DefaultMaxStringSize]. A value <= 0 keeps the default;
// one above math.MaxInt32, which no length on the wire can exceed, is
// taken as math.MaxInt32.
func WithMaxStringSize(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxString = min(n, math.MaxInt32)
		}
	})
}

// WithMaxContainerSize bounds the number of elements of a list or set, and
// of entries of a map. Default: [DefaultMaxContainerSize]. A value <= 0
// keeps the default; one above math.MaxInt32 is taken as math.MaxInt32.
func WithMaxContainerSize(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxContainer = min(n, math.MaxInt32)
		}
	})
}

// WithMaxDepth bounds how deep structs and containers may nest (a message's
// top-level struct is depth 1). Default: [DefaultMaxDepth]. A value <= 0
// keeps the default.
func WithMaxDepth(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.maxDepth = n
		}
	})
}
