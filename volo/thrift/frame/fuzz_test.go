package frame_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

func seedFrames(f *testing.F) {
	for _, fr := range framings {
		b, err := frame.AppendMessage(nil, fr, fullHeader(), "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hi"})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(framedClaim(1<<31 - 1))
	f.Add(ttheaderClaim(100))
	f.Add([]byte("\x00\x00\x00\x20\x0f\xff\x00\x00"))
}

// FuzzSniff: never panics, and a framing it names is one the reader reads.
func FuzzSniff(f *testing.F) {
	seedFrames(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := frame.Sniff(b)
		if err == nil && (fr < frame.Buffered || fr > frame.TTHeader) {
			t.Fatalf("framing %v", fr)
		}
		if err != nil && !errors.Is(err, frame.ErrUnsupported) && !errors.Is(err, frame.ErrTruncated) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

// FuzzReader reads frames from arbitrary streams, whole and a byte at a
// time: never a panic, only typed errors, and both ways read the same.
func FuzzReader(f *testing.F) {
	seedFrames(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := []frame.Option{frame.WithMaxFrameSize(1 << 16), frame.WithThriftLimits(thrift.WithMaxDepth(8))}
		whole := readAll(t, frame.NewReader(bytes.NewReader(b), opts...))
		slow := readAll(t, frame.NewReader(iotest.OneByteReader(bytes.NewReader(b)), append(opts, frame.WithBufferSize(16))...))
		if len(whole) != len(slow) {
			t.Fatalf("%d frames whole, %d byte by byte", len(whole), len(slow))
		}
		for i := range whole {
			if whole[i] != slow[i] {
				t.Fatalf("frame %d differs", i)
			}
		}
	})
}

func readAll(t *testing.T, r *frame.Reader) []string {
	var out []string
	var fr frame.Frame
	for {
		err := r.Next(&fr)
		if err == nil {
			out = append(out, fr.Framing.String()+string(fr.Payload))
			continue
		}
		if err != io.EOF && !errors.Is(err, frame.ErrTruncated) && !errors.Is(err, frame.ErrMalformed) &&
			!errors.Is(err, frame.ErrTooLarge) && !errors.Is(err, frame.ErrUnsupported) {
			t.Fatalf("untyped error %v", err)
		}
		return append(out, "error")
	}
}

// FuzzTTHeader puts arbitrary bytes after a valid fixed part, to reach the
// header decoder. A header it accepts must encode and decode back the same.
func FuzzTTHeader(f *testing.F) {
	for _, h := range []*frame.Header{fullHeader(), {}, {ACLToken: "t"}} {
		b, err := frame.AppendMessage(nil, frame.TTHeader, h, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hi"})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[14:], uint16(binary.BigEndian.Uint16(b[12:])))
	}
	f.Fuzz(func(t *testing.T, rest []byte, words uint16) {
		b := binary.BigEndian.AppendUint32(nil, uint32(len(rest)+10))
		b = append(b, 0x10, 0, 0, 0, 0, 0, 0, 1)
		b = binary.BigEndian.AppendUint16(b, words)
		b = append(b, rest...)
		var fr frame.Frame
		if err := frame.NewReader(bytes.NewReader(b)).Next(&fr); err != nil {
			return
		}
		if fr.Header.IntInfo != nil && len(fr.Header.IntInfo) == 0 {
			fr.Header.IntInfo = nil
		}
		again, err := frame.AppendMessage(nil, frame.TTHeader, &fr.Header, "m", thrift.MessageCall, 1, &echo.EchoEchoArgs{})
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var fr2 frame.Frame
		if err := frame.NewReader(bytes.NewReader(again)).Next(&fr2); err != nil {
			t.Fatalf("re-read: %v", err)
		}
		if !sameHeader(&fr.Header, &fr2.Header) {
			t.Fatalf("header changed:\n%+v\n%+v", fr.Header, fr2.Header)
		}
	})
}

func sameHeader(a, b *frame.Header) bool {
	if a.Flags != b.Flags || a.SeqID != b.SeqID || a.ProtocolID != b.ProtocolID || a.FromService != b.FromService ||
		a.ToService != b.ToService || a.ToMethod != b.ToMethod || a.RPCTimeout != b.RPCTimeout ||
		a.MsgType != b.MsgType || a.ACLToken != b.ACLToken || len(a.IntInfo) != len(b.IntInfo) || len(a.StrInfo) != len(b.StrInfo) {
		return false
	}
	for k, v := range a.IntInfo {
		if b.IntInfo[k] != v {
			return false
		}
	}
	for k, v := range a.StrInfo {
		if w, ok := b.StrInfo[k]; !ok || w != v {
			return false
		}
	}
	return true
}
