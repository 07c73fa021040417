package frame

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
)

// Framing is how Thrift messages are delimited on a connection.
type Framing uint8

// The framings volo reads and writes.
const (
	// Buffered is no framing at all: a binary message straight on the
	// stream (Apache's TBufferedTransport). Its end is found by parsing it.
	Buffered Framing = iota + 1
	// Framed puts a 4-byte length before each message (TFramedTransport).
	Framed
	// TTHeader is CloudWeGo's header transport: a length, a header of
	// metadata, then the message.
	TTHeader
	// TTHeaderFramed is Kitex's variant of TTHeader whose payload is itself
	// a Framed message, with its own 4-byte length.
	TTHeaderFramed
)

// String returns the framing's name in lower case.
func (f Framing) String() string {
	switch f {
	case Buffered:
		return "buffered"
	case Framed:
		return "framed"
	case TTHeader:
		return "ttheader"
	case TTHeaderFramed:
		return "ttheader_framed"
	}
	return "framing(" + strconv.Itoa(int(f)) + ")"
}

// SniffLen is how many bytes [Sniff] needs. Every valid frame is longer.
const SniffLen = 6

const (
	ttheaderMagic   = 0x1000
	binaryVersion   = 0x8001
	compactID       = 0x82
	theaderMagic    = 0x0fff // Apache THeader: a different protocol
	meshHeaderMagic = 0xffaf // Kitex's service-mesh preamble
)

// Sniff classifies a stream from its first [SniffLen] bytes: TTHeader
// (bytes 4-5 are 0x1000), Framed strict binary (bytes 4-5 are 0x8001),
// Buffered strict binary (bytes 0-1 are 0x8001). It cannot tell TTHeader
// from TTHeaderFramed: that needs the header, which [Reader] parses. Other
// protocols it recognises (the compact protocol, Apache THeader, HTTP) give
// an *[UnsupportedError]; so do old non-strict binary messages, which
// cannot be told apart from noise this early. Fewer than SniffLen bytes give
// [ErrTruncated]. A TLS client is told apart too, so that a plain server can
// say what went wrong.
func Sniff(b []byte) (Framing, error) {
	if len(b) < SniffLen {
		return 0, fmt.Errorf("%w: %d bytes to sniff, need %d", ErrTruncated, len(b), SniffLen)
	}
	head := binary.BigEndian.Uint16(b)
	at4 := binary.BigEndian.Uint16(b[4:])
	switch {
	case at4 == ttheaderMagic:
		return TTHeader, nil
	case at4 == binaryVersion:
		return Framed, nil
	case head == binaryVersion:
		return Buffered, nil
	case b[4] == compactID:
		return 0, &UnsupportedError{Protocol: "thrift compact (framed)"}
	case b[0] == compactID:
		return 0, &UnsupportedError{Protocol: "thrift compact"}
	case at4 == theaderMagic:
		return 0, &UnsupportedError{Protocol: "apache theader"}
	case head == meshHeaderMagic:
		return 0, &UnsupportedError{Protocol: "kitex mesh header"}
	case bytes.HasPrefix(b, []byte("PRI * ")):
		return 0, &UnsupportedError{Protocol: "http/2"}
	case isHTTPMethod(b):
		return 0, &UnsupportedError{Protocol: "http/1"}
	case b[0] == tlsHandshake && b[1] == 3 && b[2] <= 4:
		// A TLS record header: content type handshake, version 3.x.
		return 0, &UnsupportedError{Protocol: "tls (a TLS client of a plain server: see server.WithTLS)"}
	}
	return 0, &UnsupportedError{Protocol: fmt.Sprintf("unknown (first bytes % x)", b[:SniffLen])}
}

// tlsHandshake is the content type of a TLS record that opens a handshake.
const tlsHandshake = 0x16

func isHTTPMethod(b []byte) bool {
	for _, m := range []string{"GET ", "POST ", "PUT ", "HEAD ", "DELETE", "OPTION", "PATCH "} {
		if bytes.HasPrefix(b, []byte(m)) {
			return true
		}
	}
	return false
}
