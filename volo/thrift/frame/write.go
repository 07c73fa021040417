package frame

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/govolo/volo/volo/thrift"
)

// A Mark remembers where [Begin] started a frame in a buffer, so that
// [Mark.End] can fill in its lengths once the message is appended.
type Mark struct {
	framing Framing
	start   int // first byte of the frame
	payload int // first byte of the payload (after TTHeaderFramed's inner length)
}

// Begin appends the start of a frame to b: nothing for Buffered, a length
// for Framed, the fixed part and the header h for TTHeader and
// TTHeaderFramed (h may be nil for an empty header). The caller then
// appends the Thrift message and calls End with the returned Mark.
//
// Begin fails when h cannot be encoded (a key or value over 65,535 bytes, a
// header over [MaxHeaderSize]) or f is not a framing.
func Begin(b []byte, f Framing, h *Header) ([]byte, Mark, error) {
	m := Mark{framing: f, start: len(b)}
	switch f {
	case Buffered:
	case Framed:
		b = append(b, 0, 0, 0, 0)
	case TTHeader, TTHeaderFramed:
		if h == nil {
			h = &Header{}
		}
		hs, err := headerSize(h)
		if err != nil {
			return b, m, err
		}
		b = appendHeader(b, h, hs)
		if f == TTHeaderFramed {
			b = append(b, 0, 0, 0, 0)
		}
	default:
		return b, m, fmt.Errorf("frame: cannot write framing %v", f)
	}
	m.payload = len(b)
	return b, m, nil
}

// End fills in the lengths of the frame m started, now that b ends with its
// message. It fails if the frame is too long for its length field.
func (m Mark) End(b []byte) error {
	if m.start > len(b) || m.payload > len(b) {
		return fmt.Errorf("frame: buffer shorter than the frame begun")
	}
	n := len(b) - m.start - 4
	if m.framing != Buffered && n > math.MaxInt32 {
		return tooLarge("frame", int64(n), math.MaxInt32)
	}
	switch m.framing {
	case Framed, TTHeader:
		binary.BigEndian.PutUint32(b[m.start:], uint32(n))
	case TTHeaderFramed:
		binary.BigEndian.PutUint32(b[m.start:], uint32(n))
		binary.BigEndian.PutUint32(b[m.payload-4:], uint32(len(b)-m.payload))
	}
	return nil
}

// Size returns how many bytes Begin appends for f and h, so that a buffer
// can be sized once: Size plus the message's size.
func Size(f Framing, h *Header) (int, error) {
	switch f {
	case Buffered:
		return 0, nil
	case Framed:
		return 4, nil
	case TTHeader, TTHeaderFramed:
		if h == nil {
			h = &Header{}
		}
		hs, err := headerSize(h)
		if f == TTHeaderFramed {
			hs += 4
		}
		return fixedLen + hs, err
	}
	return 0, fmt.Errorf("frame: cannot write framing %v", f)
}

// AppendMessage appends a whole frame carrying a strict binary message: the
// one-call form of Begin, thrift.AppendMessage and End. It grows b once.
// For TTHeader, h.SeqID is written as given; peers expect it to equal seq.
func AppendMessage(b []byte, f Framing, h *Header, name string, typ thrift.MessageType, seq int32, body thrift.Struct) ([]byte, error) {
	size, err := Size(f, h)
	if err != nil {
		return b, err
	}
	b = slices.Grow(b, size+thrift.MessageSize(name, body))
	b, m, err := Begin(b, f, h)
	if err != nil {
		return b, err
	}
	b = thrift.AppendMessage(b, name, typ, seq, body)
	return b, m.End(b)
}
