package grpc

import (
	"context"
	"fmt"
	"strings"
)

// Metadata is gRPC metadata: HTTP/2 header fields other than the ones the
// protocol reserves. Keys are lower case. Values of keys ending in "-bin"
// are arbitrary bytes, sent base64-encoded and held here decoded, as
// grpc-go holds them; other values are printable ASCII.
type Metadata map[string][]string

// Pairs returns metadata of the pairs k1, v1, k2, v2, ...; keys are lower
// cased. An odd count drops the last key.
func Pairs(kv ...string) Metadata {
	md := make(Metadata, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		k := strings.ToLower(kv[i])
		md[k] = append(md[k], kv[i+1])
	}
	return md
}

// Get returns the first value of key (lower cased), or "".
func (md Metadata) Get(key string) string {
	if vs := md[strings.ToLower(key)]; len(vs) > 0 {
		return vs[0]
	}
	return ""
}

// Append adds values to key (lower cased).
func (md Metadata) Append(key string, vals ...string) {
	k := strings.ToLower(key)
	md[k] = append(md[k], vals...)
}

// Copy returns a deep copy of md.
func (md Metadata) Copy() Metadata {
	out := make(Metadata, len(md))
	for k, vs := range md {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// Check reports the first entry that cannot go on the wire: a key that is
// empty, not lower case, has a byte outside [0-9a-z-_.], or is reserved
// by the protocol (starts with ':' or "grpc-", or is content-type, te,
// user-agent); or a value of a key without "-bin" with a byte outside
// printable ASCII. The error matches [ErrInvalidMetadata].
func (md Metadata) Check() error {
	for k, vs := range md {
		if err := checkKey(k); err != nil {
			return err
		}
		if strings.HasSuffix(k, "-bin") {
			continue
		}
		for _, v := range vs {
			for i := 0; i < len(v); i++ {
				if c := v[i]; c < 0x20 || c > 0x7e {
					return fmt.Errorf("%w: value of %q has byte %#x; use a -bin key for binary values", ErrInvalidMetadata, k, c)
				}
			}
		}
	}
	return nil
}

func checkKey(k string) error {
	if k == "" {
		return fmt.Errorf("%w: empty key", ErrInvalidMetadata)
	}
	if Reserved(k) {
		return fmt.Errorf("%w: key %q is reserved", ErrInvalidMetadata, k)
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("%w: key %q has byte %#x", ErrInvalidMetadata, k, c)
		}
	}
	return nil
}

// Reserved reports whether key is a header the protocol owns, which
// metadata may not set: pseudo headers, "grpc-" headers, content-type, te,
// user-agent and the HTTP/2 connection headers.
func Reserved(key string) bool {
	if strings.HasPrefix(key, ":") || strings.HasPrefix(key, "grpc-") {
		return true
	}
	switch key {
	case "content-type", "te", "user-agent", "connection", "host", "keep-alive",
		"proxy-connection", "transfer-encoding", "upgrade":
		return true
	}
	return false
}

type outgoingKey struct{}

// WithOutgoingMetadata returns a copy of ctx whose client calls send md
// along with the metadata already there.
func WithOutgoingMetadata(ctx context.Context, md Metadata) context.Context {
	prev := OutgoingMetadata(ctx)
	if len(prev) == 0 {
		return context.WithValue(ctx, outgoingKey{}, md)
	}
	merged := prev.Copy()
	for k, vs := range md {
		merged[k] = append(merged[k], vs...)
	}
	return context.WithValue(ctx, outgoingKey{}, merged)
}

// AppendOutgoing is [WithOutgoingMetadata] of [Pairs](kv...).
func AppendOutgoing(ctx context.Context, kv ...string) context.Context {
	return WithOutgoingMetadata(ctx, Pairs(kv...))
}

// OutgoingMetadata returns the metadata client calls made with ctx send.
// The caller must not change it.
func OutgoingMetadata(ctx context.Context) Metadata {
	md, _ := ctx.Value(outgoingKey{}).(Metadata)
	return md
}

// IncomingMetadata returns the request metadata of the call a server
// handles in ctx, or nil outside a server call. The caller must not
// change it.
func IncomingMetadata(ctx context.Context) Metadata {
	if c := ServerCall(ctx); c != nil {
		return c.Metadata
	}
	return nil
}

// SetHeader adds md to the response headers of the call a server handles
// in ctx. It fails with [ErrNotServerCall] outside one, and with
// [ErrInvalidMetadata] for metadata that cannot go on the wire.
func SetHeader(ctx context.Context, md Metadata) error {
	return setResponse(ctx, md, false)
}

// SetTrailer adds md to the response trailers of the call a server
// handles in ctx, with the errors of [SetHeader].
func SetTrailer(ctx context.Context, md Metadata) error {
	return setResponse(ctx, md, true)
}

func setResponse(ctx context.Context, md Metadata, trailer bool) error {
	c := ServerCall(ctx)
	if c == nil {
		return ErrNotServerCall
	}
	if err := md.Check(); err != nil {
		return err
	}
	dst := &c.Header
	if trailer {
		dst = &c.Trailer
	}
	if *dst == nil {
		*dst = make(Metadata, len(md))
	}
	for k, vs := range md {
		(*dst)[k] = append((*dst)[k], vs...)
	}
	return nil
}
