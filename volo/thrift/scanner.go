package thrift

import (
	"encoding/binary"
	"strconv"
)

// A Scanner finds where a binary message ends in input that arrives in
// pieces, without decoding it. An unframed ("buffered") transport needs it:
// nothing but the message itself says how long the message is.
//
// Scan is resumable: it remembers how far it got, so feeding a message one
// byte at a time costs O(size) in total, not O(size²). It applies the
// [Decoder]'s limits, plus a bound on the whole message, and holds no more
// state than one small entry per nesting level.
//
// A Scanner is not safe for concurrent use; reuse one per connection.
type Scanner struct {
	cfg     config
	maxSize int
	off     int
	need    int
	started bool
	stack   []scanLevel
}

// scanLevel is one open struct or container.
type scanLevel struct {
	kind   Type // TypeStruct, TypeMap or TypeList (sets too)
	kt, vt Type // element type in kt; a map's key and value types
	left   int  // elements left; for a map, keys and values left
}

// NewScanner returns a scanner for messages of at most maxSize bytes
// (a value <= 0 means [DefaultMaxStringSize], 16 MiB).
func NewScanner(maxSize int, opts ...Option) *Scanner {
	if maxSize <= 0 {
		maxSize = DefaultMaxStringSize
	}
	return &Scanner{cfg: newConfig(opts), maxSize: maxSize}
}

// Reset prepares s for the next message.
func (s *Scanner) Reset() {
	s.off, s.need, s.started, s.stack = 0, 0, false, s.stack[:0]
}

// Scan looks at b, the bytes received so far, starting at the message's
// first byte; each call passes at least the bytes of the previous one. It
// returns the message's size and done once b holds the whole message, done
// false and no error while more bytes are needed, and a *ProtocolError when
// the input cannot be a valid message or would exceed a limit.
func (s *Scanner) Scan(b []byte) (size int, done bool, err error) {
	// Bytes past the bound cannot be part of the message: without them, a
	// message that needs them stops at a check.
	b = b[:min(len(b), s.maxSize)]
	if !s.started {
		n, err := s.header(b)
		if n == 0 || err != nil {
			return 0, false, err
		}
		s.off = n
		s.started = true
		s.stack = append(s.stack, scanLevel{kind: TypeStruct})
	}
	for len(s.stack) > 0 {
		top := &s.stack[len(s.stack)-1]
		switch top.kind {
		case TypeStruct:
			if s.off >= len(b) {
				return 0, false, s.check(s.off + 1)
			}
			t := Type(b[s.off])
			if t == TypeStop {
				s.off++
				s.stack = s.stack[:len(s.stack)-1]
				continue
			}
			if !t.Valid() {
				return 0, false, protoErr(InvalidData, s.off, "unknown field type "+strconv.Itoa(int(t)))
			}
			if len(b)-s.off < FieldBeginSize {
				return 0, false, s.check(s.off + FieldBeginSize)
			}
			n, ok, err := s.value(b, s.off+FieldBeginSize, t)
			if !ok {
				return 0, false, err
			}
			s.off += FieldBeginSize + n
		default:
			if top.left == 0 {
				s.stack = s.stack[:len(s.stack)-1]
				continue
			}
			t := top.kt
			if top.kind == TypeMap && top.left%2 == 1 {
				t = top.vt
			}
			if sz := int(fixedSize[t]); sz != 0 && (top.kind != TypeMap || top.kt == top.vt) {
				// Take as many fixed-size elements as have arrived at once.
				k := min(top.left, (len(b)-s.off)/sz)
				if k == 0 {
					return 0, false, s.check(s.off + sz)
				}
				s.off += k * sz
				top.left -= k
				continue
			}
			// Count the element before value may open a level (and move the
			// stack); give it back if its bytes have not arrived.
			top.left--
			n, ok, err := s.value(b, s.off, t)
			if !ok {
				top.left++
				return 0, false, err
			}
			s.off += n
		}
	}
	return s.off, true, nil
}

// Need returns, after Scan asked for more input, how many bytes the input
// must hold before Scan can make progress. An unframed reader reads exactly
// that much, so it never takes bytes of the next message off the stream.
func (s *Scanner) Need() int { return s.need }

// check records that the input must reach end bytes, and reports a
// SizeLimit error if the message may not be that long.
func (s *Scanner) check(end int) error {
	s.need = end
	if end > s.maxSize {
		return protoErr(SizeLimit, s.off, "message over "+strconv.Itoa(s.maxSize)+" bytes")
	}
	return nil
}

// header returns the size of the message header at the start of b, or 0
// while it has not fully arrived.
func (s *Scanner) header(b []byte) (int, error) {
	if len(b) < 4 {
		return 0, s.check(4)
	}
	if b[0] == compactProtocolID {
		return 0, protoErr(NotImplemented, 0, "compact protocol message")
	}
	v := binary.BigEndian.Uint32(b)
	nameAt, typeAt := 4, -1
	if v&0x80000000 != 0 {
		if v&0xffff0000 != strictVersion {
			return 0, protoErr(BadVersion, 0, "version 0x"+strconv.FormatUint(uint64(v>>16), 16))
		}
		if t := MessageType(v & 0xff); !t.Valid() || v&0xff00 != 0 {
			return 0, protoErr(InvalidData, 3, "bad message type "+strconv.Itoa(int(v&0xffff)))
		}
	} else {
		nameAt = 0
	}
	if len(b) < nameAt+4 {
		return 0, s.check(nameAt + 4)
	}
	n := int(int32(binary.BigEndian.Uint32(b[nameAt:])))
	switch {
	case n < 0:
		return 0, protoErr(InvalidData, nameAt, "negative length "+strconv.Itoa(n))
	case n > s.cfg.maxString:
		return 0, protoErr(SizeLimit, nameAt, "length "+strconv.Itoa(n)+", limit "+strconv.Itoa(s.cfg.maxString))
	}
	end := nameAt + 4 + n
	if nameAt == 0 {
		typeAt = end
		end++
	}
	end += 4 // sequence id
	if typeAt >= 0 && typeAt < len(b) && !MessageType(b[typeAt]).Valid() {
		return 0, protoErr(InvalidData, typeAt, "bad message type "+strconv.Itoa(int(b[typeAt])))
	}
	if err := s.check(end + FieldStopSize); err != nil {
		return 0, err
	}
	if len(b) < end {
		return 0, s.check(end)
	}
	return end, nil
}

// value consumes the start of one value of type t at b[at:]: all of a
// scalar, or the header of a struct or container, which it opens. It
// returns the bytes consumed counted from at and ok, or ok false while they
// have not arrived (and err when they never will). Opening a struct
// consumes nothing: its header is empty.
func (s *Scanner) value(b []byte, at int, t Type) (int, bool, error) {
	avail := len(b) - at
	if sz := int(fixedSize[t]); sz != 0 {
		if avail < sz {
			return 0, false, s.check(at + sz)
		}
		return sz, true, nil
	}
	switch t {
	case TypeString:
		if avail < 4 {
			return 0, false, s.check(at + 4)
		}
		n := int(int32(binary.BigEndian.Uint32(b[at:])))
		switch {
		case n < 0:
			return 0, false, protoErr(InvalidData, at, "negative length "+strconv.Itoa(n))
		case n > s.cfg.maxString:
			return 0, false, protoErr(SizeLimit, at, "length "+strconv.Itoa(n)+", limit "+strconv.Itoa(s.cfg.maxString))
		}
		if avail < 4+n {
			return 0, false, s.check(at + 4 + n)
		}
		return 4 + n, true, nil
	}
	if len(s.stack) >= s.cfg.maxDepth {
		return 0, false, protoErr(DepthLimit, at, "limit "+strconv.Itoa(s.cfg.maxDepth))
	}
	switch t {
	case TypeStruct:
		s.stack = append(s.stack, scanLevel{kind: TypeStruct})
		return 0, true, nil
	case TypeMap:
		if avail < MapBeginSize {
			return 0, false, s.check(at + MapBeginSize)
		}
		kt, vt := Type(b[at]), Type(b[at+1])
		n, err := s.count(b[at+2:], at+2, int(minSize[kt])+int(minSize[vt]), kt.Valid() && vt.Valid())
		if err != nil {
			return 0, false, err
		}
		s.stack = append(s.stack, scanLevel{kind: TypeMap, kt: kt, vt: vt, left: 2 * n})
		return MapBeginSize, true, nil
	default: // list and set
		if avail < ListBeginSize {
			return 0, false, s.check(at + ListBeginSize)
		}
		et := Type(b[at])
		n, err := s.count(b[at+1:], at+1, int(minSize[et]), et.Valid())
		if err != nil {
			return 0, false, err
		}
		s.stack = append(s.stack, scanLevel{kind: TypeList, kt: et, left: n})
		return ListBeginSize, true, nil
	}
}

// count checks a container's count in the order the Decoder does, with the
// message size bound in place of the bytes left.
func (s *Scanner) count(b []byte, at, elem int, typesOK bool) (int, error) {
	n := int(int32(binary.BigEndian.Uint32(b)))
	switch {
	case n < 0:
		return 0, protoErr(InvalidData, at, "negative count "+strconv.Itoa(n))
	case n > s.cfg.maxContainer:
		return 0, protoErr(SizeLimit, at, "count "+strconv.Itoa(n)+", limit "+strconv.Itoa(s.cfg.maxContainer))
	case n > 0 && !typesOK:
		return 0, protoErr(InvalidData, at, "container of an unknown element type")
	case n > 0 && n > (s.maxSize-at-4)/elem:
		return 0, protoErr(SizeLimit, at, "message over "+strconv.Itoa(s.maxSize)+" bytes")
	}
	return n, nil
}
