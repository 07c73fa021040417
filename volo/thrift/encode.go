package thrift

import (
	"encoding/binary"
	"math"
)

// The Append functions write one binary-protocol value at the end of b and
// return the extended slice, like strconv.AppendInt. They never allocate
// when b has room, so a caller that sizes b with the Size functions (or
// reuses a pooled buffer) encodes a whole message without allocating.
//
// Lengths are written as i32: strings and containers longer than
// math.MaxInt32 cannot be encoded, and frames are far smaller anyway.

// Fixed sizes of the encoded parts, for ThriftSize implementations.
const (
	FieldBeginSize = 3 // type (1) + id (2)
	FieldStopSize  = 1
	MapBeginSize   = 6 // key type, value type, i32 count
	ListBeginSize  = 5 // element type, i32 count
	SetBeginSize   = 5
	BoolSize       = 1
	I8Size         = 1
	I16Size        = 2
	I32Size        = 4
	I64Size        = 8
	DoubleSize     = 8
	UUIDSize       = 16
)

// strictVersion is the high half of a strict message header's first word.
const strictVersion = 0x80010000

// StringSize returns the encoded size of s: an i32 length and the bytes.
func StringSize(s string) int { return 4 + len(s) }

// BinarySize returns the encoded size of v: an i32 length and the bytes.
func BinarySize(v []byte) int { return 4 + len(v) }

// MessageBeginSize returns the size of a strict message header for name.
func MessageBeginSize(name string) int { return 4 + 4 + len(name) + 4 }

// AppendMessageBegin appends a strict message header, the form every
// current Thrift implementation writes: version|type, name, sequence id.
func AppendMessageBegin(b []byte, name string, typ MessageType, seq int32) []byte {
	b = binary.BigEndian.AppendUint32(b, strictVersion|uint32(typ))
	b = AppendString(b, name)
	return binary.BigEndian.AppendUint32(b, uint32(seq))
}

// AppendMessageBeginOld appends a non-strict (pre-versioning) message
// header: name, type byte, sequence id. Only very old peers need it; it is
// 3 bytes shorter than MessageBeginSize(name).
func AppendMessageBeginOld(b []byte, name string, typ MessageType, seq int32) []byte {
	b = AppendString(b, name)
	b = append(b, byte(typ))
	return binary.BigEndian.AppendUint32(b, uint32(seq))
}

// AppendFieldBegin appends a field header.
func AppendFieldBegin(b []byte, t Type, id int16) []byte {
	return append(b, byte(t), byte(uint16(id)>>8), byte(id))
}

// AppendFieldStop appends the STOP byte that ends a struct.
func AppendFieldStop(b []byte) []byte { return append(b, byte(TypeStop)) }

// AppendMapBegin appends a map header for n entries.
func AppendMapBegin(b []byte, kt, vt Type, n int) []byte {
	b = append(b, byte(kt), byte(vt))
	return binary.BigEndian.AppendUint32(b, uint32(n))
}

// AppendListBegin appends a list header for n elements.
func AppendListBegin(b []byte, et Type, n int) []byte {
	b = append(b, byte(et))
	return binary.BigEndian.AppendUint32(b, uint32(n))
}

// AppendSetBegin appends a set header for n elements.
func AppendSetBegin(b []byte, et Type, n int) []byte { return AppendListBegin(b, et, n) }

// AppendBool appends a bool as one byte, 1 or 0.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// AppendI8 appends a byte (the IDL's i8 or byte).
func AppendI8(b []byte, v int8) []byte { return append(b, byte(v)) }

// AppendI16 appends a big-endian i16.
func AppendI16(b []byte, v int16) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }

// AppendI32 appends a big-endian i32.
func AppendI32(b []byte, v int32) []byte { return binary.BigEndian.AppendUint32(b, uint32(v)) }

// AppendI64 appends a big-endian i64.
func AppendI64(b []byte, v int64) []byte { return binary.BigEndian.AppendUint64(b, uint64(v)) }

// AppendDouble appends an IEEE 754 double, big-endian.
func AppendDouble(b []byte, v float64) []byte {
	return binary.BigEndian.AppendUint64(b, math.Float64bits(v))
}

// AppendString appends an i32 length and the bytes of s.
func AppendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// AppendBinary appends an i32 length and v.
func AppendBinary(b []byte, v []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}

// AppendUUID appends the 16 bytes of u.
func AppendUUID(b []byte, u UUID) []byte { return append(b, u[:]...) }

// The AppendField functions append a field header and its value at once,
// with one capacity check instead of two: generated code writes the
// fields of base types with them.

// AppendFieldBool appends a bool field.
func AppendFieldBool(b []byte, id int16, v bool) []byte {
	var x byte
	if v {
		x = 1
	}
	return append(b, byte(TypeBool), byte(uint16(id)>>8), byte(id), x)
}

// AppendFieldI8 appends an i8 field.
func AppendFieldI8(b []byte, id int16, v int8) []byte {
	return append(b, byte(TypeI8), byte(uint16(id)>>8), byte(id), byte(v))
}

// AppendFieldI16 appends an i16 field.
func AppendFieldI16(b []byte, id int16, v int16) []byte {
	return append(b, byte(TypeI16), byte(uint16(id)>>8), byte(id), byte(uint16(v)>>8), byte(v))
}

// AppendFieldI32 appends an i32 field.
func AppendFieldI32(b []byte, id int16, v int32) []byte {
	u := uint32(v)
	return append(b, byte(TypeI32), byte(uint16(id)>>8), byte(id), byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
}

// AppendFieldI64 appends an i64 field.
func AppendFieldI64(b []byte, id int16, v int64) []byte {
	u := uint64(v)
	return append(b, byte(TypeI64), byte(uint16(id)>>8), byte(id),
		byte(u>>56), byte(u>>48), byte(u>>40), byte(u>>32), byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
}

// AppendFieldDouble appends a double field.
func AppendFieldDouble(b []byte, id int16, v float64) []byte {
	u := math.Float64bits(v)
	return append(b, byte(TypeDouble), byte(uint16(id)>>8), byte(id),
		byte(u>>56), byte(u>>48), byte(u>>40), byte(u>>32), byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
}

// AppendFieldString appends a string field.
func AppendFieldString(b []byte, id int16, s string) []byte {
	n := uint32(len(s))
	b = append(b, byte(TypeString), byte(uint16(id)>>8), byte(id), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	return append(b, s...)
}

// AppendFieldBinary appends a binary field.
func AppendFieldBinary(b []byte, id int16, v []byte) []byte {
	n := uint32(len(v))
	b = append(b, byte(TypeBinary), byte(uint16(id)>>8), byte(id), byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	return append(b, v...)
}
