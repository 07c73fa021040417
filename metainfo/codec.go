package metainfo

// Defaults and hard limits of a [Codec].
const (
	// DefaultMaxKeyLen is the default limit on a key's length in bytes,
	// without its wire prefix.
	DefaultMaxKeyLen = 256
	// DefaultMaxValueLen is the default limit on a value's length in bytes.
	DefaultMaxValueLen = 4096
	// DefaultMaxKeys is the default limit on the number of entries in one
	// message, all kinds together.
	DefaultMaxKeys = 128
	// MaxWireLen is the largest length TTHeader can carry (a u16). No limit
	// may exceed it, prefix included.
	MaxWireLen = 65535
)

// BackwardStyle says how backward values are written in a string map.
type BackwardStyle uint8

const (
	// BackwardPrefixed writes backward values as "RPC_BACKWARD_" + key, as
	// Volo does. A decoder in this style reads only prefixed keys.
	BackwardPrefixed BackwardStyle = iota
	// BackwardRaw writes backward values under their own key, as Kitex does.
	// A decoder in this style reads prefixed keys and every key without one
	// of the "RPC_" prefixes.
	BackwardRaw
)

// A Codec maps metainfo to and from the wire: string maps as carried in
// TTHeader, and HTTP or gRPC headers. It checks every entry against its
// limits. A Codec is immutable and safe for concurrent use; its zero value
// uses the defaults.
type Codec struct {
	cfg config
}

// config holds a codec's settings; a zero field means the default.
type config struct {
	maxKeyLen   int
	maxValueLen int
	maxKeys     int
	backward    BackwardStyle
}

// An Option configures a [Codec].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// NewCodec returns a codec with the given options applied over the
// defaults.
func NewCodec(opts ...Option) *Codec {
	var c config
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return &Codec{cfg: c}
}

// WithMaxKeyLen sets the longest key, in bytes, without its prefix. Zero
// or less: the default, [DefaultMaxKeyLen]; above MaxWireLen minus the
// longest prefix it is lowered to that, so a prefixed key always fits
// TTHeader.
func WithMaxKeyLen(n int) Option {
	return optionFunc(func(c config) config {
		c.maxKeyLen = clamp(n, MaxWireLen-len(PrefixBackward))
		return c
	})
}

// WithMaxValueLen sets the longest value in bytes. Zero or less: the
// default, [DefaultMaxValueLen]; above MaxWireLen it is lowered to it.
func WithMaxValueLen(n int) Option {
	return optionFunc(func(c config) config {
		c.maxValueLen = clamp(n, MaxWireLen)
		return c
	})
}

// WithMaxKeys sets the most entries one message may carry, all kinds
// together. Zero or less: the default, [DefaultMaxKeys]; above MaxWireLen
// it is lowered to it.
func WithMaxKeys(n int) Option {
	return optionFunc(func(c config) config {
		c.maxKeys = clamp(n, MaxWireLen)
		return c
	})
}

// WithBackwardStyle sets how backward values are written in string maps and
// which keys are read as backward values. The default is
// [BackwardPrefixed]. HTTP headers always use the "rpc-backward-" prefix.
func WithBackwardStyle(s BackwardStyle) Option {
	return optionFunc(func(c config) config {
		c.backward = s
		return c
	})
}

// clamp keeps zero or less as zero, the default that limits fills in,
// and lowers n to hi.
func clamp(n, hi int) int {
	return max(0, min(n, hi))
}

// limits are a codec's settings with the defaults filled in.
type limits struct {
	maxKeyLen   int
	maxValueLen int
	maxKeys     int
	rawBackward bool
}

func (c *Codec) limits() limits {
	l := limits{
		maxKeyLen:   DefaultMaxKeyLen,
		maxValueLen: DefaultMaxValueLen,
		maxKeys:     DefaultMaxKeys,
	}
	if c == nil {
		return l
	}
	if c.cfg.maxKeyLen > 0 {
		l.maxKeyLen = c.cfg.maxKeyLen
	}
	if c.cfg.maxValueLen > 0 {
		l.maxValueLen = c.cfg.maxValueLen
	}
	if c.cfg.maxKeys > 0 {
		l.maxKeys = c.cfg.maxKeys
	}
	l.rawBackward = c.cfg.backward == BackwardRaw
	return l
}

// stamp packs the limits and the wire form into one word, never zero, that
// a node keeps once its values pass them. Every limit fits 16 bits.
func (l *limits) stamp(http bool) uint64 {
	s := uint64(l.maxKeyLen) | uint64(l.maxValueLen)<<16 | uint64(l.maxKeys)<<32 | 1<<63
	if http {
		s |= 1 << 62
	}
	return s
}
