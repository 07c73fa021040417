package fastgo

import (
	"fmt"

	"github.com/cloudwego/gopkg/protocol/thrift"
)

// BLength returns the encoded size of p.
func (p *Message) BLength() int {
	if p == nil {
		return 1
	}
	off := 0

	// p.Text ID:1 thrift.STRING
	off += 3
	off += 4 + len(p.Text)
	return off + 1
}

// FastWrite encodes p into b, which holds at least BLength bytes.
func (p *Message) FastWrite(b []byte) int { return p.FastWriteNocopy(b, nil) }

// FastWriteNocopy encodes p into b, which holds at least BLength bytes, and
// returns the number of bytes written.
func (p *Message) FastWriteNocopy(b []byte, w thrift.NocopyWriter) (n int) {
	if n = len(p.FastAppend(b[:0])); n > len(b) {
		panic("buffer overflow. concurrency issue?")
	}
	return
}

// FastAppend appends the encoding of p to b.
func (p *Message) FastAppend(b []byte) []byte {
	if p == nil {
		return append(b, 0)
	}
	x := thrift.BinaryProtocol{}
	_ = x

	// p.Text
	b = append(b, 11, 0, 1)
	b = x.AppendI32(b, int32(len(p.Text)))
	b = append(b, p.Text...)

	return append(b, 0)
}

// FastRead decodes p from b and returns the number of bytes read.
func (p *Message) FastRead(b []byte) (off int, err error) {
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
		case 0x10b: // p.Text ID:1 thrift.STRING
			p.Text, l, err = x.ReadString(b[off:])
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
		fmt.Sprintf("%T read field %d '%s' error: ", p, fid, fieldIDToName_Message[fid]), err)
SkipFieldError:
	return off, thrift.PrependError(
		fmt.Sprintf("%T skip field %d type %d error: ", p, fid, ftyp), err)
}
