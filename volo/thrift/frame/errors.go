package frame

import (
	"errors"
	"fmt"
)

// Sentinels for errors.Is. Bad input from a peer always gives one of them,
// wrapped with the detail.
var (
	// ErrTooLarge means a frame, or a TTHeader header, is over its
	// configured limit. It is reported from the length field, before the
	// frame is read.
	ErrTooLarge = errors.New("frame: too large")
	// ErrTruncated means the stream ended inside a frame.
	ErrTruncated = errors.New("frame: truncated")
	// ErrMalformed means the bytes cannot be a frame of the framing they
	// claim: a negative length, a header size that does not fit, an unknown
	// info block. Errors of the Thrift message found by an unframed read
	// match both ErrMalformed and thrift.ErrProtocol.
	ErrMalformed = errors.New("frame: malformed")
	// ErrUnsupported means the peer speaks a protocol volo does not: see
	// [UnsupportedError].
	ErrUnsupported = errors.New("frame: unsupported protocol")
)

// UnsupportedError names the protocol a peer was found to speak when it is
// not one volo serves, so that a server can log a clear line before it
// closes the connection. It matches [ErrUnsupported].
type UnsupportedError struct {
	// Protocol is a short description: "apache theader", "thrift compact",
	// "http/2", "tls (...)", or "unknown" with the first bytes.
	Protocol string
}

// Error returns "frame: unsupported protocol: <protocol>".
func (e *UnsupportedError) Error() string {
	return "frame: unsupported protocol: " + e.Protocol
}

// Is makes errors.Is match ErrUnsupported.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)
}

func tooLarge(what string, n, limit int64) error {
	return fmt.Errorf("%w: %s of %d bytes, limit %d", ErrTooLarge, what, n, limit)
}
