package frame

import (
	"encoding/binary"
	"slices"
	"strconv"
	"time"
)

// TTHeader layout: a 14-byte fixed part (length, magic, flags, seq id,
// header size in 4-byte words), then the variable header, then the payload.
const (
	fixedLen = 14
	// MaxHeaderSize is the most a TTHeader's variable header can hold: its
	// size field counts 4-byte words in a u16.
	MaxHeaderSize = 0xffff * 4
)

// Info block ids of the variable header.
const (
	infoPadding  = 0x00
	infoKeyValue = 0x01
	infoIntKV    = 0x10
	infoACLToken = 0x11
)

// headerSize returns the size of h's variable header, padding included, or
// an error if a key, a value or a count cannot be encoded.
func headerSize(h *Header) (int, error) {
	n := 2 // protocol id, transform count
	if h.ACLToken != "" {
		if len(h.ACLToken) > 0xffff {
			return 0, tooLarge("acl token", int64(len(h.ACLToken)), 0xffff)
		}
		n += 1 + 2 + len(h.ACLToken)
	}
	if len(h.StrInfo) > 0 {
		if len(h.StrInfo) > 0xffff {
			return 0, tooLarge("string key count", int64(len(h.StrInfo)), 0xffff)
		}
		n += 3
		for k, v := range h.StrInfo {
			if len(k) > 0xffff || len(v) > 0xffff {
				return 0, tooLarge("string key or value "+strconv.Quote(truncate(k)), int64(max(len(k), len(v))), 0xffff)
			}
			n += 4 + len(k) + len(v)
		}
	}
	ints := 0
	err := eachInt(h, func(_ uint16, v string, num int64) error {
		if num >= 0 {
			n += 4 + digits(num)
		} else if len(v) > 0xffff {
			return tooLarge("int key value", int64(len(v)), 0xffff)
		} else {
			n += 4 + len(v)
		}
		ints++
		return nil
	})
	if err != nil {
		return 0, err
	}
	if ints > 0 {
		if ints > 0xffff {
			return 0, tooLarge("int key count", int64(ints), 0xffff)
		}
		n += 3
	}
	n += (4 - n%4) % 4
	if n > MaxHeaderSize {
		return 0, tooLarge("ttheader header", int64(n), MaxHeaderSize)
	}
	return n, nil
}

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

// eachInt calls f for every int key h will write: the typed fields first,
// then IntInfo in key order, skipping keys a typed field overrides. A
// numeric value comes as num >= 0 (written in decimal) so that it is never
// formatted into a new string; otherwise num is -1 and the value is v.
func eachInt(h *Header, f func(k uint16, v string, num int64) error) error {
	typed := [...]struct {
		k uint16
		v string
	}{
		{KeyFromService, h.FromService},
		{KeyToService, h.ToService},
		{KeyToMethod, h.ToMethod},
	}
	for _, t := range typed {
		if t.v != "" {
			if err := f(t.k, t.v, -1); err != nil {
				return err
			}
		}
	}
	if h.RPCTimeout > 0 {
		// Rounded up: a sub-millisecond timeout must not become "none".
		// Computed without overflow, and clamped to what a reader accepts.
		ms := int64(h.RPCTimeout / time.Millisecond)
		if h.RPCTimeout%time.Millisecond != 0 {
			ms++
		}
		if err := f(KeyRPCTimeout, "", min(ms, maxRPCTimeoutMillis)); err != nil {
			return err
		}
	}
	if h.MsgType != 0 {
		if err := f(KeyMsgType, "", int64(h.MsgType)); err != nil {
			return err
		}
	}
	if len(h.IntInfo) == 0 {
		return nil
	}
	var stack [16]uint16
	keys := stack[:0]
	for k := range h.IntInfo {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if overridden(h, k) {
			continue
		}
		if err := f(k, h.IntInfo[k], -1); err != nil {
			return err
		}
	}
	return nil
}

func overridden(h *Header, k uint16) bool {
	switch k {
	case KeyFromService:
		return h.FromService != ""
	case KeyToService:
		return h.ToService != ""
	case KeyToMethod:
		return h.ToMethod != ""
	case KeyRPCTimeout:
		return h.RPCTimeout > 0
	case KeyMsgType:
		return h.MsgType != 0
	}
	return false
}

// digits returns the length of n >= 0 in decimal.
func digits(n int64) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// appendHeader appends the fixed part (length left 0) and the variable
// header of size hs.
func appendHeader(b []byte, h *Header, hs int) []byte {
	b = binary.BigEndian.AppendUint32(b, 0)
	b = binary.BigEndian.AppendUint16(b, ttheaderMagic)
	b = binary.BigEndian.AppendUint16(b, h.Flags)
	b = binary.BigEndian.AppendUint32(b, uint32(h.SeqID))
	b = binary.BigEndian.AppendUint16(b, uint16(hs/4))
	start := len(b)
	b = append(b, byte(h.ProtocolID), 0)
	if h.ACLToken != "" {
		b = append(b, infoACLToken)
		b = appendStr16(b, h.ACLToken)
	}
	if len(h.StrInfo) > 0 {
		b = append(b, infoKeyValue)
		b = binary.BigEndian.AppendUint16(b, uint16(len(h.StrInfo)))
		// Sorted, so that equal headers encode to equal bytes.
		var stack [32]string
		keys := stack[:0]
		for k := range h.StrInfo {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b = appendStr16(b, k)
			b = appendStr16(b, h.StrInfo[k])
		}
	}
	countAt := -1
	ints := 0
	_ = eachInt(h, func(k uint16, v string, num int64) error {
		if countAt < 0 {
			b = append(b, infoIntKV, 0, 0)
			countAt = len(b) - 2
		}
		ints++
		b = binary.BigEndian.AppendUint16(b, k)
		if num >= 0 {
			b = binary.BigEndian.AppendUint16(b, uint16(digits(num)))
			b = strconv.AppendInt(b, num, 10)
		} else {
			b = appendStr16(b, v)
		}
		return nil
	})
	if countAt >= 0 {
		binary.BigEndian.PutUint16(b[countAt:], uint16(ints))
	}
	for len(b)-start < hs {
		b = append(b, infoPadding)
	}
	return b
}

func appendStr16(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}
