package fastgo

import (
	"fmt"

	"github.com/cloudwego/gopkg/protocol/thrift"
)

// BLength returns the encoded size of p.
func (p *Xtruct) BLength() int {
	if p == nil {
		return 1
	}
	off := 0

	// p.StringThing ID:1 thrift.STRING
	off += 3
	off += 4 + len(p.StringThing)

	// p.ByteThing ID:4 thrift.I08
	off += 3
	off += 1

	// p.I32Thing ID:9 thrift.I32
	off += 3
	off += 4

	// p.I64Thing ID:11 thrift.I64
	off += 3
	off += 8
	return off + 1
}

// FastWrite encodes p into b, which holds at least BLength bytes.
func (p *Xtruct) FastWrite(b []byte) int { return p.FastWriteNocopy(b, nil) }

// FastWriteNocopy encodes p into b, which holds at least BLength bytes, and
// returns the number of bytes written.
func (p *Xtruct) FastWriteNocopy(b []byte, w thrift.NocopyWriter) (n int) {
	if n = len(p.FastAppend(b[:0])); n > len(b) {
		panic("buffer overflow. concurrency issue?")
	}
	return
}

// FastAppend appends the encoding of p to b.
func (p *Xtruct) FastAppend(b []byte) []byte {
	if p == nil {
		return append(b, 0)
	}
	x := thrift.BinaryProtocol{}
	_ = x

	// p.StringThing
	b = append(b, 11, 0, 1)
	b = x.AppendI32(b, int32(len(p.StringThing)))
	b = append(b, p.StringThing...)

	// p.ByteThing
	b = append(b, 3, 0, 4)
	b = append(b, byte(p.ByteThing))

	// p.I32Thing
	b = append(b, 8, 0, 9)
	b = x.AppendI32(b, int32(p.I32Thing))

	// p.I64Thing
	b = append(b, 10, 0, 11)
	b = x.AppendI64(b, int64(p.I64Thing))

	return append(b, 0)
}

// FastRead decodes p from b and returns the number of bytes read.
func (p *Xtruct) FastRead(b []byte) (off int, err error) {
	var ftyp thrift.TType
	var fid int16
	var l int
	x := thrift.BinaryProtocol{}
	for {
		ftyp, fid, l, err = x.ReadFieldBegin(b[off:])
		off += l
		if err != nil {
			goto ReadFieldBeginError
		}
		if ftyp == thrift.STOP {
			break
		}
		switch uint32(fid)<<8 | uint32(ftyp) {
		case 0x10b: // p.StringThing ID:1 thrift.STRING
			p.StringThing, l, err = x.ReadString(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
		case 0x403: // p.ByteThing ID:4 thrift.I08
			p.ByteThing, l, err = x.ReadByte(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
		case 0x908: // p.I32Thing ID:9 thrift.I32
			p.I32Thing, l, err = x.ReadI32(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
		case 0xb0a: // p.I64Thing ID:11 thrift.I64
			p.I64Thing, l, err = x.ReadI64(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
		default:
			l, err = x.Skip(b[off:], ftyp)
			off += l
			if err != nil {
				goto SkipFieldError
			}
		}
	}
	return
ReadFieldBeginError:
	return off, thrift.PrependError(fmt.Sprintf("%T read field begin error: ", p), err)
ReadFieldError:
	return off, thrift.PrependError(
		fmt.Sprintf("%T read field %d '%s' error: ", p, fid, fieldIDToName_Xtruct[fid]), err)
SkipFieldError:
	return off, thrift.PrependError(
		fmt.Sprintf("%T skip field %d type %d error: ", p, fid, ftyp), err)
}

// BLength returns the encoded size of p.
func (p *Xtruct2) BLength() int {
	if p == nil {
		return 1
	}
	off := 0

	// p.ByteThing ID:1 thrift.I08
	off += 3
	off += 1

	// p.StructThing ID:2 thrift.STRUCT
	off += 3
	off += p.StructThing.BLength()

	// p.I32Thing ID:3 thrift.I32
	off += 3
	off += 4
	return off + 1
}

// FastWrite encodes p into b, which holds at least BLength bytes.
func (p *Xtruct2) FastWrite(b []byte) int { return p.FastWriteNocopy(b, nil) }

// FastWriteNocopy encodes p into b, which holds at least BLength bytes, and
// returns the number of bytes written.
func (p *Xtruct2) FastWriteNocopy(b []byte, w thrift.NocopyWriter) (n int) {
	if n = len(p.FastAppend(b[:0])); n > len(b) {
		panic("buffer overflow. concurrency issue?")
	}
	return
}

// FastAppend appends the encoding of p to b.
func (p *Xtruct2) FastAppend(b []byte) []byte {
	if p == nil {
		return append(b, 0)
	}
	x := thrift.BinaryProtocol{}
	_ = x

	// p.ByteThing
	b = append(b, 3, 0, 1)
	b = append(b, byte(p.ByteThing))

	// p.StructThing
	b = append(b, 12, 0, 2)
	b = p.StructThing.FastAppend(b)

	// p.I32Thing
	b = append(b, 8, 0, 3)
	b = x.AppendI32(b, int32(p.I32Thing))

	return append(b, 0)
}

// FastRead decodes p from b and returns the number of bytes read.
func (p *Xtruct2) FastRead(b []byte) (off int, err error) {
	var ftyp thrift.TType
	var fid int16
	var l int
	x := thrift.BinaryProtocol{}
	for {
		ftyp, fid, l, err = x.ReadFieldBegin(b[off:])
		off += l
		if err != nil {
			goto ReadFieldBeginError
		}
		if ftyp == thrift.STOP {
			break
		}
		switch uint32(fid)<<8 | uint32(ftyp) {
		case 0x103: // p.ByteThing ID:1 thrift.I08
			p.ByteThing, l, err = x.ReadByte(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
		case 0x20c: // p.StructThing ID:2 thrift.STRUCT
			p.StructThing = NewXtruct()
			l, err = p.StructThing.FastRead(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
		case 0x308: // p.I32Thing ID:3 thrift.I32
			p.I32Thing, l, err = x.ReadI32(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
		default:
			l, err = x.Skip(b[off:], ftyp)
			off += l
			if err != nil {
				goto SkipFieldError
			}
		}
	}
	return
ReadFieldBeginError:
	return off, thrift.PrependError(fmt.Sprintf("%T read field begin error: ", p), err)
ReadFieldError:
	return off, thrift.PrependError(
		fmt.Sprintf("%T read field %d '%s' error: ", p, fid, fieldIDToName_Xtruct2[fid]), err)
SkipFieldError:
	return off, thrift.PrependError(
		fmt.Sprintf("%T skip field %d type %d error: ", p, fid, ftyp), err)
}

// BLength returns the encoded size of p.
func (p *Insanity) BLength() int {
	if p == nil {
		return 1
	}
	off := 0

	// p.UserMap ID:1 thrift.MAP
	off += 3
	off += 6
	off += len(p.UserMap) * (4 + 8)

	// p.Xtructs ID:2 thrift.LIST
	off += 3
	off += 5
	for _, v := range p.Xtructs {
		off += v.BLength()
	}
	return off + 1
}

// FastWrite encodes p into b, which holds at least BLength bytes.
func (p *Insanity) FastWrite(b []byte) int { return p.FastWriteNocopy(b, nil) }

// FastWriteNocopy encodes p into b, which holds at least BLength bytes, and
// returns the number of bytes written.
func (p *Insanity) FastWriteNocopy(b []byte, w thrift.NocopyWriter) (n int) {
	if n = len(p.FastAppend(b[:0])); n > len(b) {
		panic("buffer overflow. concurrency issue?")
	}
	return
}

// FastAppend appends the encoding of p to b.
func (p *Insanity) FastAppend(b []byte) []byte {
	if p == nil {
		return append(b, 0)
	}
	x := thrift.BinaryProtocol{}
	_ = x

	// p.UserMap
	b = append(b, 13, 0, 1)
	b = x.AppendMapBegin(b, thrift.I32, thrift.I64, len(p.UserMap))
	for k, v := range p.UserMap {
		b = x.AppendI32(b, int32(k))
		b = x.AppendI64(b, int64(v))
	}

	// p.Xtructs
	b = append(b, 15, 0, 2)
	b = x.AppendListBegin(b, thrift.STRUCT, len(p.Xtructs))
	for _, v := range p.Xtructs {
		b = v.FastAppend(b)
	}

	return append(b, 0)
}

// FastRead decodes p from b and returns the number of bytes read.
func (p *Insanity) FastRead(b []byte) (off int, err error) {
	var ftyp thrift.TType
	var fid int16
	var l int
	var enum int32
	x := thrift.BinaryProtocol{}
	for {
		ftyp, fid, l, err = x.ReadFieldBegin(b[off:])
		off += l
		if err != nil {
			goto ReadFieldBeginError
		}
		if ftyp == thrift.STOP {
			break
		}
		switch uint32(fid)<<8 | uint32(ftyp) {
		case 0x10d: // p.UserMap ID:1 thrift.MAP
			var sz int
			_, _, sz, l, err = x.ReadMapBegin(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
			p.UserMap = make(map[Numberz]UserId, sz)
			for i := 0; i < sz; i++ {
				var k Numberz
				var v UserId
				enum, l, err = x.ReadI32(b[off:])
				off += l
				if err != nil {
					goto ReadFieldError
				}
				k = Numberz(enum)
				v, l, err = x.ReadI64(b[off:])
				off += l
				if err != nil {
					goto ReadFieldError
				}
				p.UserMap[k] = v
			}
		case 0x20f: // p.Xtructs ID:2 thrift.LIST
			var sz int
			_, sz, l, err = x.ReadListBegin(b[off:])
			off += l
			if err != nil {
				goto ReadFieldError
			}
			p.Xtructs = make([]*Xtruct, sz)
			for i := 0; i < sz; i++ {
				p.Xtructs[i] = NewXtruct()
				l, err = p.Xtructs[i].FastRead(b[off:])
				off += l
				if err != nil {
					goto ReadFieldError
				}
			}
		default:
			l, err = x.Skip(b[off:], ftyp)
			off += l
			if err != nil {
				goto SkipFieldError
			}
		}
	}
	return
ReadFieldBeginError:
	return off, thrift.PrependError(fmt.Sprintf("%T read field begin error: ", p), err)
ReadFieldError:
	return off, thrift.PrependError(
		fmt.Sprintf("%T read field %d '%s' error: ", p, fid, fieldIDToName_Insanity[fid]), err)
SkipFieldError:
	return off, thrift.PrependError(
		fmt.Sprintf("%T skip field %d type %d error: ", p, fid, ftyp), err)
}
