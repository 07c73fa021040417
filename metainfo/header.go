package metainfo

import (
	"context"
	"slices"
	"strings"
)

// ToHTTPHeader writes the values a request to the next service carries
// into h, an http.Header or gRPC metadata.MD (both are
// map[string][]string): "rpc-persist-" + key for persistent values and
// "rpc-transit-" + key for transient values set in this service, lower case
// with '_' written '-'. Names are set as given, not canonicalized, as
// HTTP/2 and gRPC want them; read them back with [Codec.FromHTTPHeader].
// All names share one allocation and all value slices another.
//
// Every entry is checked first, including that no two keys of a kind give
// the same name; if one breaks a rule, h is left unchanged and the
// *[Error] names it.
func (c *Codec) ToHTTPHeader(ctx context.Context, h map[string][]string) error {
	n := getNode(ctx)
	if n == nil || n.nt == 0 {
		return nil
	}
	if h == nil {
		return errNilMap
	}
	l := c.limits()
	if err := l.checkForward(n, true); err != nil {
		return err
	}
	kvs := n.refs[:n.nt]
	names := headerNames(kvs, int(n.np), HTTPPrefixPersistent, HTTPPrefixTransient)
	setHeaders(h, kvs, names, len(HTTPPrefixTransient))
	return nil
}

// headerNames builds the header names of kvs in one string: the first
// split entries with prefix a, the rest with prefix b (of equal length).
func headerNames[E named](kvs []E, split int, a, b string) string {
	size := len(kvs) * len(a)
	for _, e := range kvs {
		size += len(e.name())
	}
	var sb strings.Builder
	sb.Grow(size)
	for i, e := range kvs {
		if i < split {
			sb.WriteString(a)
		} else {
			sb.WriteString(b)
		}
		writeMapped(&sb, e.name())
	}
	return sb.String()
}

// writeMapped writes s into sb in header form, a stack buffer at a time.
func writeMapped(sb *strings.Builder, s string) {
	var buf [64]byte
	for len(s) > 0 {
		n := copy(buf[:], s)
		s = s[n:]
		chunk := buf[:n]
		for i, c := range chunk {
			chunk[i] = toHeaderByte(c)
		}
		sb.Write(chunk)
	}
}

// setHeaders sets h[name_i] = [val_i], cutting the names from one string
// and the value slices from one array.
func setHeaders[E named](h map[string][]string, kvs []E, names string, prefixLen int) {
	vals := make([]string, len(kvs))
	off := 0
	for i, e := range kvs {
		end := off + prefixLen + len(e.name())
		vals[i] = e.value()
		h[names[off:end]] = vals[i : i+1 : i+1]
		off = end
	}
}

// headerValue returns the one value of a metainfo header.
func headerValue(kind Kind, key string, vs []string) (string, error) {
	switch len(vs) {
	case 0:
		return "", &Error{Kind: kind, Key: key, Err: ErrEmptyValue}
	case 1:
		return vs[0], nil
	}
	return "", collision(kind, key, "")
}

// FromHTTPHeader returns a copy of ctx that carries the metainfo of a
// request's headers h (an http.Header or gRPC metadata.MD), as a server
// reads it: persistent values, to send on, and transient values, readable
// with [GetValue] but not sent on. Names match case-insensitively; keys are
// read back upper case with '_' ("rpc-transit-user-id" gives "USER_ID"), as
// bytedance/gopkg and Volo read them. Other headers are ignored.
//
// Values already in ctx stay unless h carries the same key of the same
// kind. If a header breaks a rule (including two names that give the same
// key, or a name with several values), FromHTTPHeader returns ctx
// unchanged and an *[Error] naming it; it never allocates more than the
// limits allow.
func (c *Codec) FromHTTPHeader(ctx context.Context, h map[string][]string) (context.Context, error) {
	if len(h) == 0 {
		return ctx, nil
	}
	l := c.limits()
	var buf [stackEntries]entry
	d := decoder{buf: &buf}
	for name, vs := range h {
		kind, key := splitHeader(name)
		if kind == 0 {
			continue
		}
		v, err := headerValue(kind, key, vs)
		if err != nil {
			return ctx, err
		}
		if err := d.add(&l, len(h), kind, key, v, true); err != nil {
			return ctx, err
		}
	}
	if d.empty() {
		return ctx, nil
	}
	n, own := d.headerNode()
	np := d.np
	if i, _, ok := duplicate(own[:np]); ok {
		return ctx, headerCollision(Persistent, h, HTTPPrefixPersistent, own[i].key)
	}
	if i, _, ok := duplicate(own[np:]); ok {
		return ctx, headerCollision(Transient, h, HTTPPrefixTransient, own[np+i].key)
	}
	return attach(ctx, n), nil
}

// headerCollision names the two headers whose keys a and b collide.
func headerCollision(kind Kind, h map[string][]string, prefix, key string) error {
	var names []string
	for name := range h {
		if len(name) > len(prefix) && strings.EqualFold(name[:len(prefix)], prefix) &&
			strings.EqualFold(strings.ReplaceAll(name[len(prefix):], "-", "_"), key) {
			names = append(names, name[len(prefix):])
		}
	}
	slices.Sort(names)
	if len(names) < 2 {
		// A name with several values.
		return collision(kind, key, "")
	}
	return collision(kind, names[0], names[1])
}

// headerKeys turns the raw keys of the given entries from header form into
// key form, back to back in one string.
func headerKeys(sets ...[]entry) string {
	size := 0
	for _, kvs := range sets {
		for _, e := range kvs {
			size += len(e.key)
		}
	}
	var sb strings.Builder
	sb.Grow(size)
	var buf [256]byte
	n := 0
	for _, kvs := range sets {
		for _, e := range kvs {
			for k := e.key; len(k) > 0; {
				if n == len(buf) {
					sb.Write(buf[:])
					n = 0
				}
				dst := buf[n:]
				dst = dst[:min(len(dst), len(k))]
				for i := range dst {
					dst[i] = keyForm[k[i]]
				}
				n += len(dst)
				k = k[len(dst):]
			}
		}
	}
	sb.Write(buf[:n])
	return sb.String()
}

// keysFromHeader turns the raw keys of kvs into key form in place.
func keysFromHeader(kvs []entry) {
	keys, off := headerKeys(kvs), 0
	for i := range kvs {
		end := off + len(kvs[i].key)
		kvs[i].key = keys[off:end]
		off = end
	}
}
