package metainfo

import (
	"context"
	"errors"
	"strings"
)

// errNilMap is returned when an encoder is given a nil map to fill.
var errNilMap = errors.New("metainfo: nil map")

// checkForward validates the values a request carries: persistent and
// transient, not upstream. A node that passed the same limits before is not
// checked again.
func (l *limits) checkForward(n *node, http bool) error {
	stamp := l.stamp(http)
	if n.checked.Load() == stamp {
		return nil
	}
	if err := l.checkRequest(n, http); err != nil {
		return err
	}
	n.checked.Store(stamp)
	return nil
}

func (l *limits) checkRequest(n *node, http bool) error {
	if int(n.nt) > l.maxKeys {
		kind := Transient
		if l.maxKeys < int(n.np) {
			kind = Persistent
		}
		return l.tooMany(kind, n.refs[l.maxKeys].key, int(n.nt))
	}
	for _, e := range n.persistent() {
		if err := l.check(Persistent, e.key, e.val, http); err != nil {
			return err
		}
	}
	for _, e := range n.transient() {
		if err := l.check(Transient, e.key, e.val, http); err != nil {
			return err
		}
		if !http && strings.HasPrefix(e.key, upstreamKeyPrefix) {
			return reserved(Transient, e.key)
		}
	}
	if http {
		if i, j, ok := foldDuplicate(n.persistent()); ok {
			return collision(Persistent, n.persistent()[i].key, n.persistent()[j].key)
		}
		if i, j, ok := foldDuplicate(n.transient()); ok {
			return collision(Transient, n.transient()[i].key, n.transient()[j].key)
		}
	}
	return nil
}

// forwardPrefix returns the map prefix of the forward entry at index i.
func (n *node) forwardPrefix(i int) string {
	if i < int(n.np) {
		return PrefixPersistent
	}
	return PrefixTransient
}

// EncodeForward calls fn for each value a request to the next service
// carries: persistent values, then the transient values set in this
// service; received transient values stop here. fn gets the TTHeader
// prefix ([PrefixPersistent] or [PrefixTransient]) and the key apart, so a
// framing layer can write them back to back without building a string:
// EncodeForward itself allocates nothing.
//
// Every entry is checked first; if one breaks a rule, fn is not called and
// the *[Error] names it. An error from fn stops the walk and is returned.
func (c *Codec) EncodeForward(ctx context.Context, fn func(prefix, key, value string) error) error {
	n := getNode(ctx)
	if n == nil || n.nt == 0 {
		return nil
	}
	l := c.limits()
	if err := l.checkForward(n, false); err != nil {
		return err
	}
	for i, e := range n.refs[:n.nt] {
		if err := fn(n.forwardPrefix(i), e.key, e.val); err != nil {
			return err
		}
	}
	return nil
}

// ToMap writes the values a request to the next service carries into m,
// the string map of a TTHeader: "RPC_PERSIST_" + key for persistent values
// and "RPC_TRANSIT_" + key for transient values set in this service.
// Received transient values are not written. The keys share one string,
// built the first time a context is encoded and reused after that, so
// sending the same context again allocates nothing (m's growth aside).
//
// Every entry is checked first; if one breaks a rule, m is left unchanged
// and the *[Error] names it.
func (c *Codec) ToMap(ctx context.Context, m map[string]string) error {
	n := getNode(ctx)
	if n == nil || n.nt == 0 {
		return nil
	}
	if m == nil {
		return errNilMap
	}
	l := c.limits()
	if err := l.checkForward(n, false); err != nil {
		return err
	}
	names := n.names.Load()
	if names == nil {
		names = n.mapNames()
		n.names.Store(names)
	}
	s, off := *names, 0
	for _, e := range n.refs[:n.nt] {
		end := off + len(PrefixTransient) + len(e.key)
		m[s[off:end]] = e.val
		off = end
	}
	return nil
}

// mapNames builds the TTHeader map keys of n's request values in one
// string.
func (n *node) mapNames() *string {
	kvs := n.refs[:n.nt]
	size := len(kvs) * len(PrefixTransient) // both prefixes are this long
	for _, e := range kvs {
		size += len(e.key)
	}
	var b strings.Builder
	b.Grow(size)
	for i, e := range kvs {
		b.WriteString(n.forwardPrefix(i))
		b.WriteString(e.key)
	}
	s := b.String()
	return &s
}

// FromMap returns a copy of ctx that carries the metainfo of a request's
// TTHeader string map m, as a server reads it: persistent values, to send
// on, and transient values, readable with [GetValue] but not sent on.
// Other keys in m are ignored. Keys and values are not copied.
//
// Values already in ctx stay unless m carries the same key of the same
// kind. If an entry breaks a rule, FromMap returns ctx unchanged and an
// *[Error] naming it; it never allocates more than the limits allow.
func (c *Codec) FromMap(ctx context.Context, m map[string]string) (context.Context, error) {
	if len(m) == 0 {
		return ctx, nil
	}
	l := c.limits()
	var buf [stackEntries]entry
	d := decoder{buf: &buf}
	marked := false
	for k, v := range m {
		kind, key, up := splitForward(k)
		if kind == 0 {
			continue
		}
		if err := d.add(&l, len(m), kind, key, v, false); err != nil {
			return ctx, err
		}
		marked = marked || up
	}
	if d.empty() {
		return ctx, nil
	}
	if marked {
		if i, _, ok := duplicate(d.upstream()); ok {
			return ctx, collision(Transient, d.upstream()[i].key, "")
		}
	}
	return attach(ctx, d.node()), nil
}

// attach puts a freshly decoded node d, holding persistent and upstream
// values, on top of ctx, merging it with ctx's own metainfo if there is
// any.
func attach(ctx context.Context, d *node) context.Context {
	if ctx == nil {
		panic("metainfo: cannot create context from nil parent")
	}
	p := getNode(ctx)
	if p == nil || len(p.refs) == 0 {
		d.adopt(ctx)
		return d
	}
	r, _ := newNode(len(p.refs) + len(d.refs))
	r.adopt(ctx)
	w := copy(r.refs, p.persistent())
	for _, e := range d.persistent() {
		if j := find(r.refs[:w], e.key); j >= 0 {
			r.refs[j] = e
			continue
		}
		r.refs[w] = e
		w++
	}
	r.np = int32(w)
	for _, e := range p.transient() {
		if find(d.upstream(), e.key) < 0 {
			r.refs[w] = e
			w++
		}
	}
	r.nt = int32(w)
	for _, e := range p.upstream() {
		if find(d.upstream(), e.key) < 0 {
			r.refs[w] = e
			w++
		}
	}
	w += copy(r.refs[w:], d.upstream())
	r.refs = r.refs[:w]
	r.depth = p.depth + 1
	return r
}
