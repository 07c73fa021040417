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
	b, typ, seq, err := d.ReadMessageBeginView()
	return string(b), typ, seq, err
}

// ReadMessageBeginView is [Decoder.ReadMessageBegin] without copying the
// name: it aliases the input and is valid only as long as the input is. A
// server that looks the name up among its methods need not allocate it.
func (d *Decoder) ReadMessageBeginView() (name []byte, typ MessageType, seq int32, err error) {
	start := d.off
	b, err := d.next(4)
	if err != nil {
		return nil, 0, 0, err
	}
	if b[0] == compactProtocolID {
		return nil, 0, 0, protoErr(NotImplemented, start, "compact protocol message")
	}
	v := binary.BigEndian.Uint32(b)
	if v&0x80000000 != 0 {
		if v&0xffff0000 != strictVersion {
			return nil, 0, 0, protoErr(BadVersion, start, "version 0x"+strconv.FormatUint(uint64(v>>16), 16))
		}
		typ = MessageType(v & 0xff)
		if !typ.Valid() || v&0xff00 != 0 {
			return nil, 0, 0, protoErr(InvalidData, start+3, "bad message type "+strconv.Itoa(int(v&0xffff)))
		}
		if name, err = d.ReadBinaryView(); err != nil {
			return nil, 0, 0, d.Explain(err)
		}
	} else {
		d.off = start
		if name, err = d.ReadBinaryView(); err != nil {
			return nil, 0, 0, d.Explain(err)
		}
		t, err := d.next(1)
		if err != nil {
			return nil, 0, 0, err
		}
		typ = MessageType(t[0])
		if !typ.Valid() {
			return nil, 0, 0, protoErr(InvalidData, d.off-1, "bad message type "+strconv.Itoa(int(t[0])))
		}
	}
	seq, err = d.ReadI32()
	return name, typ, seq, d.Explain(err)
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

// The reads generated code makes for every field are written to be
// inlined: each checks the common case in a few instructions and, for
// anything else, returns one of the errors below without moving. Those
// say only what kind of read failed; Decoder.Explain replaces one with the
// precise error (where, and why) by reading again, carefully, at the same
// offset. The decoder's entry points (Decode, DecodeMessage, FastRead,
// Skip) explain their errors, so callers of those never see the cheap
// ones.
var (
	errFastField  = fastErr("bad field header")
	errFastLen    = fastErr("bad string or binary length")
	errFastList   = fastErr("bad list or set header")
	errFastMap    = fastErr("bad map header")
	errFastBool   = fastErr("truncated bool")
	errFastDouble = fastErr("truncated double")
	errFastI8     = fastErr("truncated i8")
	errFastI16    = fastErr("truncated i16")
	errFastI32    = fastErr("truncated i32")
	errFastI64    = fastErr("truncated i64")
	errFastUUID   = fastErr("truncated uuid")
)

// fastErr makes a cheap error: a ProtocolError with no offset, which
// matches ErrProtocol.
func fastErr(msg string) *ProtocolError {
	return &ProtocolError{Kind: InvalidData, Offset: -1, Msg: msg + " (decode through Decoder.Decode for its offset and cause)"}
}

// Explain returns err, unless it is one of the cheap errors the inlined
// reads return for input they do not handle: then it returns the precise
// error of the input at the decoder's offset, a *ProtocolError with its
// kind and offset. Generated code returns errors as they come; call
// Explain after a struct's DecodeThrift when not decoding through
// [Decoder.Decode], [DecodeMessage] or [FastRead], which do.
func (d *Decoder) Explain(err error) error {
	var e error
	switch err {
	case errFastField:
		_, _, e = d.readFieldBegin()
	case errFastLen:
		_, e = d.readLen()
	case errFastList:
		_, _, e = d.readListBegin()
	case errFastMap:
		_, _, _, e = d.readMapBegin()
	case errFastBool, errFastI8:
		_, e = d.next(1)
	case errFastI16:
		_, e = d.next(2)
	case errFastI32:
		_, e = d.next(4)
	case errFastI64, errFastDouble:
		_, e = d.next(8)
	case errFastUUID:
		_, e = d.next(UUIDSize)
	default:
		return err
	}
	if e == nil {
		// Cannot happen: the careful read accepts less than the fast one.
		return err
	}
	return e
}

// Decode reads s with s.DecodeThrift and returns its error explained (see
// [Decoder.Explain]).
func (d *Decoder) Decode(s Struct) error {
	if err := s.DecodeThrift(d); err != nil {
		return d.Explain(err)
	}
	return nil
}

// ReadFieldBegin reads a field header. At the end of a struct it returns
// TypeStop and id 0.
func (d *Decoder) ReadFieldBegin() (t Type, id int16, err error) {
	b := d.buf[d.off:]
	if len(b) >= FieldBeginSize && minSize[b[0]] != 0 {
		d.off += FieldBeginSize
		return Type(b[0]), int16(uint16(b[1])<<8 | uint16(b[2])), nil
	}
	if len(b) > 0 && b[0] == 0 {
		d.off++
		return TypeStop, 0, nil
	}
	return 0, 0, errFastField
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
	b := d.buf[d.off:]
	if len(b) >= MapBeginSize {
		c := uint64(binary.BigEndian.Uint32(b[2:]))
		if c <= uint64(d.cfg.maxContainer) && c*(elemSize[b[0]]+elemSize[b[1]]) <= uint64(len(b)-MapBeginSize) {
			d.off += MapBeginSize
			return Type(b[0]), Type(b[1]), int(c), nil
		}
	}
	return 0, 0, 0, errFastMap
}

func (d *Decoder) readMapBegin() (kt, vt Type, n int, err error) {
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
	b := d.buf[d.off:]
	if len(b) >= ListBeginSize {
		c := uint64(binary.BigEndian.Uint32(b[1:]))
		if c <= uint64(d.cfg.maxContainer) && c*elemSize[b[0]] <= uint64(len(b)-ListBeginSize) {
			d.off += ListBeginSize
			return Type(b[0]), int(c), nil
		}
	}
	return 0, 0, errFastList
}

func (d *Decoder) readListBegin() (et Type, n int, err error) {
	b, err := d.next(1)
	if err != nil {
		return 0, 0, err
	}
	et = Type(b[0])
	n, err = d.readCount(int(minSize[et]), et.Valid())
	return et, n, err
}

// ReadSetBegin reads a set header and checks the element count.
func (d *Decoder) ReadSetBegin() (et Type, n int, err error) {
	b := d.buf[d.off:]
	if len(b) >= SetBeginSize {
		c := uint64(binary.BigEndian.Uint32(b[1:]))
		if c <= uint64(d.cfg.maxContainer) && c*elemSize[b[0]] <= uint64(len(b)-SetBeginSize) {
			d.off += SetBeginSize
			return Type(b[0]), int(c), nil
		}
	}
	return 0, 0, errFastList
}

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
	if b := d.buf[d.off:]; len(b) >= 1 {
		d.off++
		return b[0] != 0, nil
	}
	return false, errFastBool
}

// ReadI8 reads a byte (the IDL's i8 or byte).
func (d *Decoder) ReadI8() (int8, error) {
	if b := d.buf[d.off:]; len(b) >= 1 {
		d.off++
		return int8(b[0]), nil
	}
	return 0, errFastI8
}

// ReadI16 reads a big-endian i16.
func (d *Decoder) ReadI16() (int16, error) {
	if b := d.buf[d.off:]; len(b) >= 2 {
		d.off += 2
		return int16(binary.BigEndian.Uint16(b)), nil
	}
	return 0, errFastI16
}

// ReadI32 reads a big-endian i32.
func (d *Decoder) ReadI32() (int32, error) {
	if b := d.buf[d.off:]; len(b) >= 4 {
		d.off += 4
		return int32(binary.BigEndian.Uint32(b)), nil
	}
	return 0, errFastI32
}

// ReadI64 reads a big-endian i64.
func (d *Decoder) ReadI64() (int64, error) {
	if b := d.buf[d.off:]; len(b) >= 8 {
		d.off += 8
		return int64(binary.BigEndian.Uint64(b)), nil
	}
	return 0, errFastI64
}

// ReadDouble reads an IEEE 754 double.
func (d *Decoder) ReadDouble() (float64, error) {
	if b := d.buf[d.off:]; len(b) >= 8 {
		d.off += 8
		return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
	}
	return 0, errFastDouble
}

// ReadString reads a string. It allocates the string, except for "".
func (d *Decoder) ReadString() (string, error) {
	if b := d.buf[d.off:]; len(b) >= 4 {
		if n := uint64(binary.BigEndian.Uint32(b)); n <= d.maxStr && n <= uint64(len(b)-4) {
			d.off += 4 + int(n)
			return string(b[4 : 4+n]), nil
		}
	}
	return "", errFastLen
}

// ReadBinary reads a binary value into a new slice, so the result stays
// valid after the input buffer is reused. An empty value is a non-nil empty
// slice.
func (d *Decoder) ReadBinary() ([]byte, error) {
	if b := d.buf[d.off:]; len(b) >= 4 {
		if n := uint64(binary.BigEndian.Uint32(b)); n <= d.maxStr && n <= uint64(len(b)-4) {
			d.off += 4 + int(n)
			return append([]byte{}, b[4:4+n]...), nil
		}
	}
	return nil, errFastLen
}

// ReadBinaryView reads a binary value and returns it without copying: the
// result aliases the input and is valid only as long as the input is.
func (d *Decoder) ReadBinaryView() ([]byte, error) {
	if b := d.buf[d.off:]; len(b) >= 4 {
		if n := uint64(binary.BigEndian.Uint32(b)); n <= d.maxStr && n <= uint64(len(b)-4) {
			d.off += 4 + int(n)
			return b[4 : 4+n : 4+n], nil
		}
	}
	return nil, errFastLen
}

// ReadUUID reads a uuid.
func (d *Decoder) ReadUUID() (UUID, error) {
	var u UUID
	if b := d.buf[d.off:]; len(b) >= UUIDSize {
		d.off += UUIDSize
		copy(u[:], b)
		return u, nil
	}
	return u, errFastUUID
}
