package wire

import (
	"bytes"
	"errors"
	"io"
	"testing"

	conformancev1 "github.com/govolo/volo/interop/conformance/gen/connectrpc/conformance/v1"
)

func TestReadWrite(t *testing.T) {
	var buf bytes.Buffer
	in := &conformancev1.ServerCompatResponse{Host: "127.0.0.1", Port: 8080}
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	var out conformancev1.ServerCompatResponse
	if err := Read(&buf, &out); err != nil || out.GetHost() != "127.0.0.1" || out.GetPort() != 8080 {
		t.Fatalf("read %v, %v", &out, err)
	}
	if err := Read(&buf, &out); !errors.Is(err, io.EOF) {
		t.Fatalf("at the end: %v, want io.EOF", err)
	}
	if err := Read(bytes.NewReader([]byte{0, 0, 0, 9, 1}), &out); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("a cut message: %v, want io.ErrUnexpectedEOF", err)
	}
	if err := Read(bytes.NewReader([]byte{0xff, 0xff, 0xff, 0xff}), &out); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("a huge prefix: %v, want ErrTooLarge", err)
	}
}

// FuzzRead reads whatever the runner could write: never a panic, and a
// message read is one Write writes back the same way.
func FuzzRead(f *testing.F) {
	var buf bytes.Buffer
	_ = Write(&buf, &conformancev1.ClientCompatRequest{TestName: "t", Host: "h", Port: 1, Service: new(string)})
	f.Add(buf.Bytes())
	f.Add([]byte{0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m conformancev1.ClientCompatRequest
		if err := Read(bytes.NewReader(b), &m); err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, &m); err != nil {
			t.Fatal(err)
		}
		var again conformancev1.ClientCompatRequest
		if err := Read(&out, &again); err != nil {
			t.Fatalf("reading what Write wrote: %v", err)
		}
	})
}
