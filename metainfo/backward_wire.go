package metainfo

import (
	"context"
	"strings"
)

// checkBackward validates the backward values a response carries.
func (l *limits) checkBackward(kvs []entry, http bool) error {
	if len(kvs) > l.maxKeys {
		return l.tooMany(Backward, kvs[l.maxKeys].key, len(kvs))
	}
	for _, e := range kvs {
		if err := l.check(Backward, e.key, e.val, http); err != nil {
			return err
		}
		if l.rawBackward && !http && (hasForwardPrefix(e.key) || strings.HasPrefix(e.key, PrefixBackward)) {
			return reserved(Backward, e.key)
		}
	}
	if http {
		if i, j, ok := foldDuplicate(kvs); ok {
			return collision(Backward, kvs[i].key, kvs[j].key)
		}
	}
	return nil
}

// EncodeBackward calls fn for each backward value queued with
// [SendBackwardValue], with the TTHeader prefix ([PrefixBackward], or ""
// in the [BackwardRaw] style) and the key apart, so a framing layer can
// write them without building a string. It allocates nothing.
//
// Every entry is checked first; if one breaks a rule, fn is not called and
// the *[Error] names it. An error from fn stops the walk and is returned.
func (c *Codec) EncodeBackward(ctx context.Context, fn func(prefix, key, value string) error) error {
	s := sender(ctx)
	if s == nil {
		return nil
	}
	kvs := s.snapshot()
	l := c.limits()
	if err := l.checkBackward(kvs, false); err != nil {
		return err
	}
	prefix := PrefixBackward
	if l.rawBackward {
		prefix = ""
	}
	for _, e := range kvs {
		if err := fn(prefix, e.key, e.val); err != nil {
			return err
		}
	}
	return nil
}

// BackwardToMap writes the backward values queued with
// [SendBackwardValue] into m, the string map of a response's TTHeader: as
// "RPC_BACKWARD_" + key, or under the bare key in the [BackwardRaw] style.
//
// Every entry is checked first; if one breaks a rule, m is left unchanged
// and the *[Error] names it.
func (c *Codec) BackwardToMap(ctx context.Context, m map[string]string) error {
	s := sender(ctx)
	if s == nil {
		return nil
	}
	kvs := s.snapshot()
	if len(kvs) == 0 {
		return nil
	}
	if m == nil {
		return errNilMap
	}
	l := c.limits()
	if err := l.checkBackward(kvs, false); err != nil {
		return err
	}
	if l.rawBackward {
		for _, e := range kvs {
			m[e.key] = e.val
		}
		return nil
	}
	size := len(kvs) * len(PrefixBackward)
	for _, e := range kvs {
		size += len(e.key)
	}
	var b strings.Builder
	b.Grow(size)
	for _, e := range kvs {
		b.WriteString(PrefixBackward)
		b.WriteString(e.key)
	}
	names, off := b.String(), 0
	for _, e := range kvs {
		end := off + len(PrefixBackward) + len(e.key)
		m[names[off:end]] = e.val
		off = end
	}
	return nil
}

// BackwardFromMap stores the backward values of a response's TTHeader
// string map m in the receiver that [WithBackwardValues] installed in ctx,
// as a client reads them. It reads "RPC_BACKWARD_" + key, and in the
// [BackwardRaw] style also every key without a forward prefix, so m should
// hold only metainfo then. Without a receiver it does nothing.
//
// If an entry breaks a rule, nothing is stored and the *[Error] names it.
func (c *Codec) BackwardFromMap(ctx context.Context, m map[string]string) error {
	s := receiver(ctx)
	if s == nil || len(m) == 0 {
		return nil
	}
	l := c.limits()
	count := 0
	for k, v := range m {
		key, ok := splitBackward(k, l.rawBackward)
		if !ok {
			continue
		}
		if count == l.maxKeys {
			return l.tooMany(Backward, key, count+1)
		}
		if err := l.check(Backward, key, v, false); err != nil {
			return err
		}
		count++
	}
	if count == 0 {
		return nil
	}
	got := make([]entry, 0, count)
	for k, v := range m {
		if key, ok := splitBackward(k, l.rawBackward); ok && len(got) < count {
			got = append(got, entry{key, v})
		}
	}
	if l.rawBackward {
		if i, _, ok := duplicate(got); ok {
			return collision(Backward, got[i].key, "")
		}
	}
	s.merge(got)
	return nil
}

// BackwardToHTTPHeader writes the backward values queued with
// [SendBackwardValue] into h, an http.Header or gRPC metadata.MD, as
// "rpc-backward-" + key, lower case with '_' written '-'.
//
// Every entry is checked first, including that no two keys give the same
// name; if one breaks a rule, h is left unchanged and the *[Error] names
// it.
func (c *Codec) BackwardToHTTPHeader(ctx context.Context, h map[string][]string) error {
	s := sender(ctx)
	if s == nil {
		return nil
	}
	kvs := s.snapshot()
	if len(kvs) == 0 {
		return nil
	}
	if h == nil {
		return errNilMap
	}
	l := c.limits()
	if err := l.checkBackward(kvs, true); err != nil {
		return err
	}
	names := headerNames(kvs, 0, HTTPPrefixBackward, HTTPPrefixBackward)
	setHeaders(h, kvs, names, len(HTTPPrefixBackward))
	return nil
}

// BackwardFromHTTPHeader stores the backward values of a response's
// headers h in the receiver that [WithBackwardValues] installed in ctx.
// Names match case-insensitively; keys are read back upper case with '_'.
// Without a receiver it does nothing.
//
// If a header breaks a rule, nothing is stored and the *[Error] names it.
func (c *Codec) BackwardFromHTTPHeader(ctx context.Context, h map[string][]string) error {
	s := receiver(ctx)
	if s == nil || len(h) == 0 {
		return nil
	}
	l := c.limits()
	count := 0
	for name, vs := range h {
		key, ok := splitBackwardHeader(name)
		if !ok {
			continue
		}
		if count == l.maxKeys {
			return l.tooMany(Backward, key, count+1)
		}
		v, err := headerValue(Backward, key, vs)
		if err != nil {
			return err
		}
		if err := l.check(Backward, key, v, true); err != nil {
			return err
		}
		count++
	}
	if count == 0 {
		return nil
	}
	got := make([]entry, 0, count)
	for name, vs := range h {
		if key, ok := splitBackwardHeader(name); ok && len(vs) == 1 && len(got) < count {
			got = append(got, entry{key, vs[0]})
		}
	}
	if i, j, ok := foldDuplicate(got); ok {
		return collision(Backward, got[i].key, got[j].key)
	}
	keysFromHeader(got)
	s.merge(got)
	return nil
}

// merge stores kvs, replacing values under the same keys.
func (s *backwardStore) merge(kvs []entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := make([]entry, len(s.kvs), len(s.kvs)+len(kvs))
	copy(next, s.kvs)
	for _, e := range kvs {
		next = upsert(next, e.key, e.val)
	}
	s.kvs = next
}
