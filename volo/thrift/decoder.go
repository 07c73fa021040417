package thrift

import (
	"encoding/binary"
	"math"
	"strconv"
)

// A Decoder reads binary-protocol values from a byte slice. Every length and
// count it reads is checked against the configured limits and against the
// bytes that are left before anything is allocated, so a hostile message can
// make it return an error but never allocate more than the input holds.
//
// A Decoder is not safe for concurrent use. Reuse one per connection with
// [Decoder.Reset]: decoding then allocates only the strings, slices and maps
// of the decoded values.
type Decoder struct {
	buf    []byte
	off    int
	depth  int
	maxStr uint64 // cfg.maxString, for the inlined fast path
	cfg    config
}

// NewDecoder returns a decoder that reads b with the given limits.
func NewDecoder(b []byte, opts ...Option) *Decoder {
	cfg := newConfig(opts)
	return &Decoder{buf: b, cfg: cfg, maxStr: uint64(cfg.maxString)}
}

// Reset makes d read b from the start, keeping its limits.
func (d *Decoder) Reset(b []byte) {
	d.buf, d.off, d.depth = b, 0, 0
}

// Offset returns how many bytes have been read.
func (d *Decoder) Offset() int { return d.off }

// Len returns how many bytes are left.
func (d *Decoder) Len() int { return len(d.buf) - d.off }

// next returns the next n bytes and moves past them.
func (d *Decoder) next(n int) ([]byte, error) {
	if n > len(d.buf)-d.off {
		return nil, d.truncated(n)
	}
	b := d.buf[d.off : d.off+n]
	d.off += n
	return b, nil
}

func (d *Decoder) truncated(n int) error {
	return truncErr(d.off, n, len(d.buf)-d.off)
}

// ReadMessageBegin reads a message header, strict or old style. A compact
// protocol header gives an error matching [ErrUnsupported].
func (d *Decoder) ReadMessageBegin() (name string, typ MessageType, seq int32, err error) {
	start := d.off
	b, err := d.next(4)
	if err != nil {
		return "", 0, 0, err
	}
	if b[0] == compactProtocolID {
		return "", 0, 0, protoErr(NotImplemented, start, "compact protocol message")
	}
	v := binary.BigEndian.Uint32(b)
	if v&0x80000000 != 0 {
		if v&0xffff0000 != strictVersion {
			return "", 0, 0, protoErr(BadVersion, start, "version 0x"+strconv.FormatUint(uint64(v>>16), 16))
		}
		typ = MessageType(v & 0xff)
		if !typ.Valid() || v&0xff00 != 0 {
			return "", 0, 0, protoErr(InvalidData, start+3, "bad message type "+strconv.Itoa(int(v&0xffff)))
		}
		if name, err = d.ReadString(); err != nil {
			return "", 0, 0, err
		}
	} else {
		d.off = start
		if name, err = d.ReadString(); err != nil {
			return "", 0, 0, err
		}
		t, err := d.next(1)
		if err != nil {
			return "", 0, 0, err
		}
		typ = MessageType(t[0])
		if !typ.Valid() {
			return "", 0, 0, protoErr(InvalidData, d.off-1, "bad message type "+strconv.Itoa(int(t[0])))
		}
	}
	seq, err = d.ReadI32()
	return name, typ, seq, err
}

// compactProtocolID is the first byte of a compact protocol message.
const compactProtocolID = 0x82

// ReadStructBegin enters a struct. Generated code calls it before reading a
// struct's fields and [Decoder.ReadStructEnd] after, so that recursive types
// cannot nest beyond the depth limit.
func (d *Decoder) ReadStructBegin() error {
	if d.depth >= d.cfg.maxDepth {
		return d.depthErr()
	}
	d.depth++
	return nil
}

// depthErr is out of line so that the checks that call it stay small
// enough to inline.
func (d *Decoder) depthErr() error {
	return protoErr(DepthLimit, d.off, "limit "+strconv.Itoa(d.cfg.maxDepth))
}

// ReadStructEnd leaves a struct entered with [Decoder.ReadStructBegin].
func (d *Decoder) ReadStructEnd() {
	if d.depth > 0 {
		d.depth--
	}
}

// ReadFieldBegin reads a field header. At the end of a struct it returns
// TypeStop and id 0.
func (d *Decoder) ReadFieldBegin() (t Type, id int16, err error) {
	// Fast path, small enough to inline: a whole header of a valid type.
	// STOP, once a struct, takes the slow path.
	if b := d.buf[d.off:]; len(b) >= FieldBeginSize && minSize[b[0]] != 0 {
		d.off += FieldBeginSize
		return Type(b[0]), int16(binary.BigEndian.Uint16(b[1:])), nil
	}
	return d.readFieldBegin()
}

func (d *Decoder) readFieldBegin() (t Type, id int16, err error) {
	b, err := d.next(1)
	if err != nil {
		return 0, 0, err
	}
	t = Type(b[0])
	if t == TypeStop {
		return TypeStop, 0, nil
	}
	if !t.Valid() {
		return 0, 0, protoErr(InvalidData, d.off-1, "unknown field type "+strconv.Itoa(int(t)))
	}
	b, err = d.next(2)
	if err != nil {
		return 0, 0, err
	}
	return t, int16(binary.BigEndian.Uint16(b)), nil
}

// ReadMapBegin reads a map header and checks the entry count.
func (d *Decoder) ReadMapBegin() (kt, vt Type, n int, err error) {
	b, err := d.next(2)
	if err != nil {
		return 0, 0, 0, err
	}
	kt, vt = Type(b[0]), Type(b[1])
	n, err = d.readCount(int(minSize[kt])+int(minSize[vt]), kt.Valid() && vt.Valid())
	return kt, vt, n, err
}

// ReadListBegin reads a list header and checks the element count.
func (d *Decoder) ReadListBegin() (et Type, n int, err error) {
	b, err := d.next(1)
	if err != nil {
		return 0, 0, err
	}
	et = Type(b[0])
	n, err = d.readCount(int(minSize[et]), et.Valid())
	return et, n, err
}

// ReadSetBegin reads a set header and checks the element count.
func (d *Decoder) ReadSetBegin() (et Type, n int, err error) { return d.ReadListBegin() }

// readCount reads a container's i32 count and refuses one that is
// negative, over the limit, of elements of an unknown type, or larger than
// the rest of the input can hold given each element takes at least elem
// bytes. The order of the checks is the Scanner's too.
func (d *Decoder) readCount(elem int, typesOK bool) (int, error) {
	start := d.off
	b, err := d.next(4)
	if err != nil {
		return 0, err
	}
	n := int(int32(binary.BigEndian.Uint32(b)))
	switch {
	case n < 0:
		return 0, protoErr(InvalidData, start, "negative count "+strconv.Itoa(n))
	case n > d.cfg.maxContainer:
		return 0, protoErr(SizeLimit, start, "count "+strconv.Itoa(n)+", limit "+strconv.Itoa(d.cfg.maxContainer))
	case n > 0 && !typesOK:
		return 0, protoErr(InvalidData, start, "container of an unknown element type")
	case n > 0 && n > (len(d.buf)-d.off)/elem:
		return 0, truncErr(d.off, n*elem, len(d.buf)-d.off)
	}
	return n, nil
}

// readLen reads the i32 length of a string or binary value and checks it.
func (d *Decoder) readLen() (int, error) {
	start := d.off
	b, err := d.next(4)
	if err != nil {
		return 0, err
	}
	n := int(int32(binary.BigEndian.Uint32(b)))
	switch {
	case n < 0:
		return 0, protoErr(InvalidData, start, "negative length "+strconv.Itoa(n))
	case n > d.cfg.maxString:
		return 0, protoErr(SizeLimit, start, "length "+strconv.Itoa(n)+", limit "+strconv.Itoa(d.cfg.maxString))
	case n > len(d.buf)-d.off:
		return 0, truncErr(d.off, n, len(d.buf)-d.off)
	}
	return n, nil
}

// ReadBool reads a bool; any byte other than 0 is true.
func (d *Decoder) ReadBool() (bool, error) {
	b, err := d.next(1)
	if err != nil {
		return false, err
	}
	return b[0] != 0, nil
}

// ReadI8 reads a byte (the IDL's i8 or byte).
func (d *Decoder) ReadI8() (int8, error) {
	b, err := d.next(1)
	if err != nil {
		return 0, err
	}
	return int8(b[0]), nil
}

// ReadI16 reads a big-endian i16.
func (d *Decoder) ReadI16() (int16, error) {
	b, err := d.next(2)
	if err != nil {
		return 0, err
	}
	return int16(binary.BigEndian.Uint16(b)), nil
}

// ReadI32 reads a big-endian i32.
func (d *Decoder) ReadI32() (int32, error) {
	b, err := d.next(4)
	if err != nil {
		return 0, err
	}
	return int32(binary.BigEndian.Uint32(b)), nil
}

// ReadI64 reads a big-endian i64.
func (d *Decoder) ReadI64() (int64, error) {
	b, err := d.next(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.BigEndian.Uint64(b)), nil
}

// ReadDouble reads an IEEE 754 double.
func (d *Decoder) ReadDouble() (float64, error) {
	b, err := d.next(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}

// ReadString reads a string. It allocates the string, except for "".
func (d *Decoder) ReadString() (string, error) {
	// Fast path, small enough to inline: a valid length and its bytes.
	if b := d.buf[d.off:]; len(b) >= 4 {
		if n := uint64(binary.BigEndian.Uint32(b)); n <= d.maxStr && n <= uint64(len(b)-4) {
			d.off += 4 + int(n)
			return string(b[4 : 4+n]), nil
		}
	}
	return d.readString()
}

func (d *Decoder) readString() (string, error) {
	n, err := d.readLen()
	if err != nil || n == 0 {
		return "", err
	}
	s := string(d.buf[d.off : d.off+n])
	d.off += n
	return s, nil
}

// ReadBinary reads a binary value into a new slice, so the result stays
// valid after the input buffer is reused. An empty value is a non-nil empty
// slice.
func (d *Decoder) ReadBinary() ([]byte, error) {
	n, err := d.readLen()
	if err != nil {
		return nil, err
	}
	v := make([]byte, n)
	copy(v, d.buf[d.off:])
	d.off += n
	return v, nil
}

// ReadBinaryView reads a binary value and returns it without copying: the
// result aliases the input and is valid only as long as the input is.
func (d *Decoder) ReadBinaryView() ([]byte, error) {
	n, err := d.readLen()
	if err != nil {
		return nil, err
	}
	v := d.buf[d.off : d.off+n : d.off+n]
	d.off += n
	return v, nil
}

// ReadUUID reads a uuid.
func (d *Decoder) ReadUUID() (UUID, error) {
	var u UUID
	b, err := d.next(UUIDSize)
	if err != nil {
		return u, err
	}
	copy(u[:], b)
	return u, nil
}
