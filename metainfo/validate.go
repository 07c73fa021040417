package metainfo

import (
	"strings"
	"unicode/utf8"
)

// keyChar marks the bytes a key may hold: the characters that TTHeader,
// HTTP/1, HTTP/2 and gRPC metadata names all carry unchanged (gRPC allows
// only these in names, after lower-casing).
var keyChar = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['.'], t['_'], t['-'] = true, true, true
	return t
}()

// keyProblem returns the sentinel for a bad key, or nil.
func keyProblem(k string, maxLen int) error {
	if k == "" {
		return ErrEmptyKey
	}
	if len(k) > maxLen {
		return ErrKeyTooLong
	}
	for i := 0; i < len(k); i++ {
		if !keyChar[k[i]] {
			if err := charProblem(k[i:]); err != nil {
				return err
			}
			return ErrInvalidKey
		}
	}
	return nil
}

// valueProblem returns the sentinel for a bad value, or nil. HTTP drops
// spaces at either end of a field value (and HTTP/2 forbids them), so they
// are refused there.
func valueProblem(v string, maxLen int, http bool) error {
	if v == "" {
		return ErrEmptyValue
	}
	if len(v) > maxLen {
		return ErrValueTooLong
	}
	for i := 0; i < len(v); {
		if c := v[i]; c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if err := charProblem(v[i:]); err != nil {
			return err
		}
		_, size := utf8.DecodeRuneInString(v[i:])
		i += size
	}
	if http && (v[0] == ' ' || v[len(v)-1] == ' ') {
		return ErrInvalidValue
	}
	return nil
}

// charProblem classifies the character at the start of s, which is not
// printable ASCII: a control character, bad UTF-8, or nil for a printable
// non-ASCII rune.
func charProblem(s string) error {
	c := s[0]
	if c < 0x20 || c == 0x7f {
		return ErrControlChar
	}
	if c < 0x80 {
		return nil
	}
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size == 1 {
		return ErrInvalidUTF8
	}
	if r < 0xa0 {
		return ErrControlChar
	}
	return nil
}

// check validates one entry against the limits. Printable ASCII, the
// common case, is checked inline; anything else goes to the full rules.
func (l *limits) check(kind Kind, k, v string, http bool) error {
	if len(k) == 0 || len(k) > l.maxKeyLen || len(v) == 0 || len(v) > l.maxValueLen {
		return l.checkAll(kind, k, v, http)
	}
	for i := 0; i < len(k); i++ {
		if !keyChar[k[i]] {
			return l.checkAll(kind, k, v, http)
		}
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e {
			return l.checkAll(kind, k, v, http)
		}
	}
	if http && (v[0] == ' ' || v[len(v)-1] == ' ') {
		return l.checkAll(kind, k, v, http)
	}
	return nil
}

// checkAll applies every rule and names the first one broken.
func (l *limits) checkAll(kind Kind, k, v string, http bool) error {
	if err := keyProblem(k, l.maxKeyLen); err != nil {
		return l.entryError(kind, k, err, 0)
	}
	if err := valueProblem(v, l.maxValueLen, http); err != nil {
		return l.entryError(kind, k, err, len(v))
	}
	return nil
}

func (l *limits) entryError(kind Kind, k string, err error, valueLen int) error {
	e := &Error{Kind: kind, Key: k, Err: err}
	switch err {
	case ErrKeyTooLong:
		e.Len, e.Limit = len(k), l.maxKeyLen
	case ErrValueTooLong:
		e.Len, e.Limit = valueLen, l.maxValueLen
	}
	return e
}

func (l *limits) tooMany(kind Kind, k string, n int) error {
	return &Error{Kind: kind, Key: k, Err: ErrTooManyKeys, Len: n, Limit: l.maxKeys}
}

func collision(kind Kind, a, b string) error {
	return &Error{Kind: kind, Key: a, Other: b, Err: ErrKeyCollision}
}

func reserved(kind Kind, k string) error {
	return &Error{Kind: kind, Key: k, Err: ErrReservedKey}
}

// smallSet is the size up to which duplicate checks compare every pair
// instead of building a map.
const smallSet = 32

// named is an entry held by value or by pointer.
type named interface {
	name() string
	value() string
}

// duplicate returns the indexes of two entries with the same key.
func duplicate(kvs []entry) (int, int, bool) {
	if len(kvs) <= smallSet {
		for i := 1; i < len(kvs); i++ {
			k := kvs[i].key
			for j := range i {
				o := kvs[j].key
				if len(o) == len(k) && (k == "" || o[len(o)-1] == k[len(k)-1]) && o == k {
					return j, i, true
				}
			}
		}
		return 0, 0, false
	}
	seen := make(map[string]int, len(kvs))
	for i, e := range kvs {
		if j, ok := seen[e.key]; ok {
			return j, i, true
		}
		seen[e.key] = i
	}
	return 0, 0, false
}

// foldDuplicate returns the indexes of two entries whose keys become the
// same HTTP header name: equal up to ASCII case and '_' versus '-'.
func foldDuplicate[E named](kvs []E) (int, int, bool) {
	if len(kvs) <= smallSet {
		for i := 1; i < len(kvs); i++ {
			for j := range i {
				if foldEqual(kvs[i].name(), kvs[j].name()) {
					return j, i, true
				}
			}
		}
		return 0, 0, false
	}
	seen := make(map[string]int, len(kvs))
	for i, e := range kvs {
		f := strings.Map(foldRune, e.name())
		if j, ok := seen[f]; ok {
			return j, i, true
		}
		seen[f] = i
	}
	return 0, 0, false
}

func foldEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && toHeaderByte(a[i]) != toHeaderByte(b[i]) {
			return false
		}
	}
	return true
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return rune(toHeaderByte(byte(r)))
	}
	return r
}

// toHeaderByte maps a key byte to its HTTP header form: lower case, '-'.
func toHeaderByte(c byte) byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + 'a' - 'A'
	case c == '_':
		return '-'
	}
	return c
}

// keyForm maps a header name byte to the key form gopkg and Volo read:
// upper case, '_' for '-'.
var keyForm = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c - 'a' + 'A')
	}
	t['-'] = '_'
	return t
}()
