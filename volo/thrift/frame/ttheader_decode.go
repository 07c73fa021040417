package frame

import (
	"encoding/binary"
	"strconv"
	"time"

	"github.com/govolo/volo/volo/thrift"
)

// maxRPCTimeoutMillis is the longest RPC timeout read or written, about
// 146 years: far below what a time.Duration holds, so that a reader never
// turns it into an overflowed deadline.
const maxRPCTimeoutMillis = int64(1<<62) / int64(time.Millisecond)

// fixedHeader is the fixed part of a TTHeader frame.
type fixedHeader struct {
	length     int64 // bytes after the length field
	flags      uint16
	seqID      int32
	headerSize int // bytes of the variable header
}

// parseFixed reads and checks the 14-byte fixed part against the limits.
func parseFixed(b []byte, maxFrame, maxHeader int) (fixedHeader, error) {
	f := fixedHeader{
		length:     int64(binary.BigEndian.Uint32(b)),
		flags:      binary.BigEndian.Uint16(b[6:]),
		seqID:      int32(binary.BigEndian.Uint32(b[8:])),
		headerSize: int(binary.BigEndian.Uint16(b[12:])) * 4,
	}
	switch {
	case binary.BigEndian.Uint16(b[4:]) != ttheaderMagic:
		return f, malformed("not a ttheader frame")
	case f.length > int64(maxFrame):
		return f, tooLarge("frame", f.length, int64(maxFrame))
	case f.headerSize > maxHeader:
		return f, tooLarge("ttheader header", int64(f.headerSize), int64(maxHeader))
	case f.headerSize < 4:
		return f, malformed("ttheader header size %d", f.headerSize)
	case int64(f.headerSize) > f.length-(fixedLen-4):
		return f, malformed("ttheader header of %d bytes in a frame of %d", f.headerSize, f.length)
	}
	return f, nil
}

// parseHeader decodes the variable header b into h, which the caller has
// reset. Strings are copied out of b; keys and routing values that in has
// seen before are its strings (in may be nil). The string keys go into
// *spare if it is not nil (which is then taken), else into a new map.
func parseHeader(b []byte, h *Header, in *interner, spare *map[string]string) error {
	h.ProtocolID = ProtocolID(b[0])
	if n := int(b[1]); n > 0 {
		// Transforms (compression) change the payload; volo implements none
		// and no CloudWeGo peer sends any.
		if 2+n > len(b) {
			return malformed("%d transforms in a header of %d bytes", n, len(b))
		}
		return &UnsupportedError{Protocol: "ttheader transform " + strconv.Itoa(int(b[2]))}
	}
	p := headerParser{b: b, off: 2, in: in, spare: spare}
	for p.off < len(p.b) {
		id := p.b[p.off]
		p.off++
		var err error
		switch id {
		case infoPadding:
			// Padding only ends the header, but Kitex's decoder reads on
			// past zero bytes, and so do we.
		case infoKeyValue:
			err = p.strKV(h)
		case infoIntKV:
			err = p.intKV(h)
		case infoACLToken:
			h.ACLToken, err = p.str()
		default:
			err = malformed("unknown ttheader info block 0x%02x at %d", id, p.off-1)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

type headerParser struct {
	b     []byte
	off   int
	in    *interner
	spare *map[string]string
}

func (p *headerParser) u16() (int, error) {
	if len(p.b)-p.off < 2 {
		return 0, malformed("ttheader header ends inside a length at %d", p.off)
	}
	n := int(binary.BigEndian.Uint16(p.b[p.off:]))
	p.off += 2
	return n, nil
}

func (p *headerParser) bytes() ([]byte, error) {
	n, err := p.u16()
	if err != nil {
		return nil, err
	}
	if n > len(p.b)-p.off {
		return nil, malformed("ttheader string of %d bytes at %d, %d left", n, p.off, len(p.b)-p.off)
	}
	v := p.b[p.off : p.off+n]
	p.off += n
	return v, nil
}

func (p *headerParser) str() (string, error) {
	v, err := p.bytes()
	return string(v), err
}

// count reads an entry count and refuses one the header cannot hold (each
// entry takes at least 4 bytes), before a map is sized for it.
func (p *headerParser) count() (int, error) {
	n, err := p.u16()
	if err == nil && n > (len(p.b)-p.off)/4 {
		err = malformed("%d entries in %d bytes of ttheader header", n, len(p.b)-p.off)
	}
	return n, err
}

func (p *headerParser) strKV(h *Header) error {
	n, err := p.count()
	if err != nil {
		return err
	}
	if h.StrInfo == nil {
		if p.spare != nil && *p.spare != nil {
			h.StrInfo, *p.spare = *p.spare, nil
		} else {
			h.StrInfo = make(map[string]string, n)
		}
	}
	for range n {
		k, err := p.bytes()
		if err != nil {
			return err
		}
		v, err := p.bytes()
		if err != nil {
			return err
		}
		key := p.in.str(k)
		if key == KeyIDLServiceName {
			h.StrInfo[key] = p.in.str(v)
		} else {
			h.StrInfo[key] = string(v)
		}
	}
	return nil
}

func (p *headerParser) intKV(h *Header) error {
	n, err := p.count()
	if err != nil {
		return err
	}
	for range n {
		k, err := p.u16()
		if err != nil {
			return err
		}
		v, err := p.bytes()
		if err != nil {
			return err
		}
		if err := setInt(h, uint16(k), v, p.in); err != nil {
			return err
		}
	}
	return nil
}

// setInt stores int key k: typed keys in their fields, others in IntInfo.
func setInt(h *Header, k uint16, v []byte, in *interner) error {
	switch k {
	case KeyFromService:
		h.FromService = in.str(v)
	case KeyToService:
		h.ToService = in.str(v)
	case KeyToMethod:
		h.ToMethod = in.str(v)
	case KeyRPCTimeout:
		ms, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil || ms < 0 || ms > maxRPCTimeoutMillis {
			return malformed("rpc timeout %q", v)
		}
		h.RPCTimeout = time.Duration(ms) * time.Millisecond
	case KeyMsgType:
		t, ok := parseMsgType(v)
		if !ok {
			return malformed("message type %q", v)
		}
		h.MsgType = t
	default:
		if h.IntInfo == nil {
			h.IntInfo = make(map[uint16]string)
		}
		h.IntInfo[k] = string(v)
	}
	return nil
}

// parseMsgType reads key 22 as Volo writes it (one raw byte) or as Kitex
// does (ASCII digits).
func parseMsgType(v []byte) (thrift.MessageType, bool) {
	if len(v) == 1 && v[0] < '0' {
		t := thrift.MessageType(v[0])
		return t, t.Valid()
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 || n > 255 {
		return 0, false
	}
	t := thrift.MessageType(n)
	return t, t.Valid()
}

// Bounds of an interner: the strings it keeps and the longest it keeps.
const (
	internEntries = 16
	internMaxLen  = 64
)

// interner returns the strings of a stream's headers that repeat from
// frame to frame (the keys, the service and method names) without a new
// copy each time. Strings cannot change, so a request that keeps one
// shares nothing it could see altered. It keeps at most internEntries
// short strings, replacing the oldest, so a peer that sends a new key in
// every frame costs a scan and the copy it would cost anyway. A nil
// interner copies every string.
type interner struct {
	s    [internEntries]string
	next int
}

// str returns b as a string.
func (in *interner) str(b []byte) string {
	if in == nil || len(b) == 0 || len(b) > internMaxLen {
		return string(b)
	}
	for i := range in.s {
		if in.s[i] == string(b) {
			return in.s[i]
		}
	}
	s := string(b)
	in.s[in.next] = s
	in.next = (in.next + 1) % internEntries
	return s
}
