package codec

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

func TestRoundTrip(t *testing.T) {
	in := wrapperspb.Bytes(bytes.Repeat([]byte("volo"), 4096))
	for _, enc := range []string{"", Identity, Gzip} {
		b, err := AppendMessage([]byte("x"), in, enc, 1<<20)
		if err != nil {
			t.Fatalf("%q: %v", enc, err)
		}
		if b[0] != 'x' {
			t.Fatalf("%q: prefix of b overwritten", enc)
		}
		msg := b[6:]
		if want := enc == Gzip; (b[1] == 1) != want {
			t.Fatalf("%q: compressed flag %d", enc, b[1])
		}
		out := new(wrapperspb.BytesValue)
		if err := Unmarshal(msg, b[1] == 1, enc, 1<<20, out); err != nil {
			t.Fatalf("%q: %v", enc, err)
		}
		if !proto.Equal(in, out) {
			t.Fatalf("%q: round trip changed the message", enc)
		}
	}
}

func TestLimits(t *testing.T) {
	in := wrapperspb.Bytes(make([]byte, 2048))
	if _, err := AppendMessage(nil, in, "", 1024); !errors.Is(err, ErrTooLarge) {
		t.Errorf("send over the limit: %v", err)
	}
	b, err := AppendMessage(nil, in, Gzip, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	// 2 KiB of zeros compress to far less than 1 KiB: the limit holds
	// after decompression, so a gzip bomb cannot grow past it.
	if len(b) > 1024 {
		t.Fatalf("compressed to %d bytes", len(b))
	}
	if err := Unmarshal(b[5:], true, Gzip, 1024, new(wrapperspb.BytesValue)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("decompressed over the limit: %v", err)
	}
	if err := Unmarshal(b[5:], true, "snappy", 1<<20, new(wrapperspb.BytesValue)); !errors.Is(err, ErrCompression) {
		t.Errorf("unknown encoding: %v", err)
	}
	if err := Unmarshal([]byte("not gzip"), true, Gzip, 1<<20, new(wrapperspb.BytesValue)); !errors.Is(err, ErrCompression) {
		t.Errorf("corrupt gzip: %v", err)
	}
	if err := Unmarshal([]byte{0xff}, false, "", 1<<20, new(wrapperspb.BytesValue)); !errors.Is(err, ErrMalformed) {
		t.Errorf("malformed protobuf: %v", err)
	}
}

func TestUnmarshalAllocs(t *testing.T) {
	b, err := AppendMessage(nil, wrapperspb.Bytes(make([]byte, 1024)), "", 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	out := new(wrapperspb.BytesValue)
	n := testing.AllocsPerRun(100, func() {
		if err := Unmarshal(b[5:], false, "", 1<<20, out); err != nil {
			t.Fatal(err)
		}
	})
	if n > 1 {
		t.Errorf("%v allocations per decode of a 1 KiB message", n)
	}
}

// FuzzUnmarshal feeds the decoder arbitrary bytes, compressed or not: it
// must fail cleanly, never panic, and never hand back more than the limit.
func FuzzUnmarshal(f *testing.F) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(make([]byte, 1<<16))
	zw.Close()
	f.Add([]byte{}, false)
	f.Add([]byte{0x0a, 0x03, 'a', 'b', 'c'}, false)
	f.Add(z.Bytes(), true)
	f.Fuzz(func(t *testing.T, msg []byte, compressed bool) {
		out := new(wrapperspb.BytesValue)
		err := Unmarshal(msg, compressed, Gzip, 4096, out)
		if err == nil && len(out.Value) > 4096 {
			t.Fatalf("decoded %d bytes over a 4096 limit", len(out.Value))
		}
	})
}
