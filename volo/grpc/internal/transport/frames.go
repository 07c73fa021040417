package transport

import (
	"encoding/binary"

	"golang.org/x/net/http2"
)

// Frame writers append whole frames to a buffer; the batching writer
// sends the buffer.

func appendFrameHeader(b []byte, length int, t http2.FrameType, f http2.Flags, id uint32) []byte {
	return append(b, byte(length>>16), byte(length>>8), byte(length), byte(t), byte(f),
		byte(id>>24)&0x7f, byte(id>>16), byte(id>>8), byte(id))
}

func appendSettings(b []byte, ss ...http2.Setting) []byte {
	b = appendFrameHeader(b, 6*len(ss), http2.FrameSettings, 0, 0)
	for _, s := range ss {
		b = binary.BigEndian.AppendUint16(b, uint16(s.ID))
		b = binary.BigEndian.AppendUint32(b, s.Val)
	}
	return b
}

func appendSettingsAck(b []byte) []byte {
	return appendFrameHeader(b, 0, http2.FrameSettings, http2.FlagSettingsAck, 0)
}

func appendPing(b []byte, ack bool, data [8]byte) []byte {
	var f http2.Flags
	if ack {
		f = http2.FlagPingAck
	}
	b = appendFrameHeader(b, 8, http2.FramePing, f, 0)
	return append(b, data[:]...)
}

func appendWindowUpdate(b []byte, id, incr uint32) []byte {
	b = appendFrameHeader(b, 4, http2.FrameWindowUpdate, 0, id)
	return binary.BigEndian.AppendUint32(b, incr&0x7fffffff)
}

func appendRSTStream(b []byte, id uint32, code http2.ErrCode) []byte {
	b = appendFrameHeader(b, 4, http2.FrameRSTStream, 0, id)
	return binary.BigEndian.AppendUint32(b, uint32(code))
}

func appendGoAway(b []byte, last uint32, code http2.ErrCode, debug string) []byte {
	b = appendFrameHeader(b, 8+len(debug), http2.FrameGoAway, 0, 0)
	b = binary.BigEndian.AppendUint32(b, last&0x7fffffff)
	b = binary.BigEndian.AppendUint32(b, uint32(code))
	return append(b, debug...)
}

// appendHeaders appends a header block as HEADERS and CONTINUATION frames
// of at most maxFrame bytes each.
func appendHeaders(b []byte, id uint32, block []byte, endStream bool, maxFrame int) []byte {
	first := true
	for {
		n := min(len(block), maxFrame)
		var f http2.Flags
		t := http2.FrameContinuation
		if first {
			t = http2.FrameHeaders
			if endStream {
				f |= http2.FlagHeadersEndStream
			}
		}
		if n == len(block) {
			f |= http2.FlagHeadersEndHeaders
		}
		b = appendFrameHeader(b, n, t, f, id)
		b = append(b, block[:n]...)
		block = block[n:]
		first = false
		if len(block) == 0 {
			return b
		}
	}
}

func appendData(b []byte, id uint32, data []byte, endStream bool) []byte {
	var f http2.Flags
	if endStream {
		f = http2.FlagDataEndStream
	}
	b = appendFrameHeader(b, len(data), http2.FrameData, f, id)
	return append(b, data...)
}
