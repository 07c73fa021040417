package metainfo

import (
	"errors"
	"strconv"
)

// Sentinel errors for entries that cannot travel. Encoders and decoders wrap
// them in an *[Error] that names the offending key; check them with
// errors.Is.
var (
	// ErrEmptyKey means a key is the empty string.
	ErrEmptyKey = errors.New("metainfo: empty key")
	// ErrEmptyValue means a value is the empty string, or a header carries
	// no value.
	ErrEmptyValue = errors.New("metainfo: empty value")
	// ErrInvalidKey means a key holds a printable character outside
	// A-Z a-z 0-9 '.' '_' '-', the set that TTHeader, HTTP and gRPC all
	// carry unchanged.
	ErrInvalidKey = errors.New("metainfo: key has a character outside [A-Za-z0-9._-]")
	// ErrInvalidValue means a value cannot be carried by the wire form at
	// hand, such as leading or trailing spaces in an HTTP header.
	ErrInvalidValue = errors.New("metainfo: value not representable")
	// ErrControlChar means a key or value holds a control character (NUL,
	// CR, LF, TAB, DEL, U+0080..U+009F, ...).
	ErrControlChar = errors.New("metainfo: control character")
	// ErrInvalidUTF8 means a key or value is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("metainfo: invalid UTF-8")
	// ErrKeyTooLong means a key is longer than the codec's limit.
	ErrKeyTooLong = errors.New("metainfo: key too long")
	// ErrValueTooLong means a value is longer than the codec's limit.
	ErrValueTooLong = errors.New("metainfo: value too long")
	// ErrTooManyKeys means a message carries more entries than the codec's
	// limit.
	ErrTooManyKeys = errors.New("metainfo: too many keys")
	// ErrKeyCollision means two entries of one kind land on the same key:
	// HTTP names that differ only in case or in '_' versus '-', a header
	// with several values, or a key sent both with and without a prefix.
	ErrKeyCollision = errors.New("metainfo: key collision")
	// ErrReservedKey means a key would be read back as a different key:
	// a transient key starting with "UPSTREAM_" in a string map, or a raw
	// backward key starting with one of the "RPC_" prefixes.
	ErrReservedKey = errors.New("metainfo: reserved key")
)

// Kind says how a value travels.
type Kind uint8

// The kinds of values.
const (
	// Transient values go one hop; the callee reads them but does not send
	// them on.
	Transient Kind = iota + 1
	// Persistent values go on every following hop.
	Persistent
	// Backward values go from the callee back to the caller with the
	// response.
	Backward
)

// String returns "transient", "persistent" or "backward".
func (k Kind) String() string {
	switch k {
	case Transient:
		return "transient"
	case Persistent:
		return "persistent"
	case Backward:
		return "backward"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Error reports an entry that cannot be encoded or decoded.
type Error struct {
	// Kind is the kind of the entry.
	Kind Kind
	// Key is the offending key, without its wire prefix.
	Key string
	// Other is, for ErrKeyCollision, the key it collides with.
	Other string
	// Len and Limit are, for the length and count errors, the length or
	// count found and the limit it passed.
	Len, Limit int
	// Err is one of the package's sentinel errors.
	Err error
}

// maxQuoted bounds how much of a key an error message shows.
const maxQuoted = 64

// Error names the key and the rule it breaks. Values are never shown: they
// may be secrets.
func (e *Error) Error() string {
	s := e.Err.Error() + " (" + e.Kind.String() + " key " + quote(e.Key)
	if e.Other != "" {
		s += " and " + quote(e.Other)
	}
	if e.Limit > 0 {
		s += ": " + strconv.Itoa(e.Len) + ", limit " + strconv.Itoa(e.Limit)
	}
	return s + ")"
}

// Unwrap returns the sentinel, so errors.Is(err, ErrKeyTooLong) works.
func (e *Error) Unwrap() error { return e.Err }

func quote(s string) string {
	if len(s) > maxQuoted {
		return strconv.Quote(s[:maxQuoted]) + "..."
	}
	return strconv.Quote(s)
}
