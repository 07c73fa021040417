package thrift

import (
	"errors"
	"strconv"
)

// Sentinels for errors.Is. Every error the decoder and the scanner return for
// bad input is a *ProtocolError, which matches ErrProtocol and the sentinel of
// its kind.
var (
	// ErrProtocol matches every *ProtocolError: the input is not a valid
	// Thrift binary message.
	ErrProtocol = errors.New("thrift: protocol error")
	// ErrTruncated means the input ends before the value it announces.
	ErrTruncated = errors.New("thrift: truncated input")
	// ErrTooLarge means a length or count read from the input is over a
	// configured limit.
	ErrTooLarge = errors.New("thrift: size over limit")
	// ErrTooDeep means structs and containers nest deeper than the
	// configured limit.
	ErrTooDeep = errors.New("thrift: nesting too deep")
	// ErrUnsupported means the input is in a protocol this package does not
	// speak, such as the compact protocol.
	ErrUnsupported = errors.New("thrift: unsupported protocol")
)

// ErrorKind classifies a [ProtocolError]. The kinds mirror Apache Thrift's
// TProtocolException types, plus Truncated.
type ErrorKind uint8

// The kinds of protocol error.
const (
	// InvalidData: a byte that cannot appear where it is (an unknown type
	// id, a bad message type, a negative length).
	InvalidData ErrorKind = iota + 1
	// SizeLimit: a length or count over a configured limit.
	SizeLimit
	// BadVersion: a strict message header with a version other than 1.
	BadVersion
	// NotImplemented: a protocol this package does not speak.
	NotImplemented
	// DepthLimit: nesting deeper than the configured limit.
	DepthLimit
	// Truncated: the input ends inside a value.
	Truncated
	// MissingRequired: a struct ended without one of its required fields.
	MissingRequired
)

var kindNames = [...]string{
	InvalidData:     "invalid data",
	SizeLimit:       "size over limit",
	BadVersion:      "bad version",
	NotImplemented:  "unsupported protocol",
	DepthLimit:      "nesting too deep",
	Truncated:       "truncated input",
	MissingRequired: "required field missing",
}

// String returns a short lower-case name for the kind.
func (k ErrorKind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ProtocolError reports malformed or over-limit input. Offset is where in
// the input the problem was found, counted from the start of the buffer the
// decoder or scanner was given.
type ProtocolError struct {
	Kind   ErrorKind
	Offset int
	Msg    string
}

// Error returns "thrift: <kind> at offset <n>: <detail>".
func (e *ProtocolError) Error() string {
	s := "thrift: " + e.Kind.String() + " at offset " + strconv.Itoa(e.Offset)
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	return s
}

// Is makes errors.Is match ErrProtocol and the sentinel of the error's kind.
func (e *ProtocolError) Is(target error) bool {
	switch target {
	case ErrProtocol:
		return true
	case ErrTruncated:
		return e.Kind == Truncated
	case ErrTooLarge:
		return e.Kind == SizeLimit
	case ErrTooDeep:
		return e.Kind == DepthLimit
	case ErrUnsupported:
		return e.Kind == NotImplemented
	case ErrRequired:
		return e.Kind == MissingRequired
	}
	return false
}

func protoErr(kind ErrorKind, off int, msg string) error {
	return &ProtocolError{Kind: kind, Offset: off, Msg: msg}
}

func truncErr(off, need, have int) error {
	return protoErr(Truncated, off, "need "+strconv.Itoa(need)+" bytes, "+strconv.Itoa(have)+" left")
}
