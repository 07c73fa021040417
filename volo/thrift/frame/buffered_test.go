package frame_test

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// TestReaderBuffered: a Reader says its next frame is buffered only for a
// whole Framed or TTHeader frame already in its buffer; a partial frame or
// an unframed message is not.
func TestReaderBuffered(t *testing.T) {
	args := &echo.EchoEchoArgs{Msg: "hi"}
	framed, err := frame.AppendMessage(nil, frame.Framed, nil, "echo", thrift.MessageCall, 1, args)
	if err != nil {
		t.Fatal(err)
	}
	header, err := frame.AppendMessage(nil, frame.TTHeader, &frame.Header{SeqID: 1}, "echo", thrift.MessageCall, 1, args)
	if err != nil {
		t.Fatal(err)
	}
	unframed := thrift.AppendMessage(nil, "echo", thrift.MessageCall, 1, args)
	for _, tc := range []struct {
		name string
		in   []byte
		want bool
	}{
		{"framed, whole", framed, true},
		{"framed, one byte short", framed[:len(framed)-1], false},
		{"ttheader, whole", header, true},
		{"ttheader, and the next frame's start", append(append([]byte{}, header...), header[:3]...), true},
		{"ttheader, one byte short", header[:len(header)-1], false},
		{"unframed", unframed, false},
		{"five bytes", framed[:5], false},
		{"nothing read yet", nil, false},
	} {
		br := bufio.NewReader(bytes.NewReader(tc.in))
		br.Peek(1) // fills the buffer with what there is
		if got := frame.NewReader(br).Buffered(); got != tc.want {
			t.Errorf("%s: Buffered %v, want %v", tc.name, got, tc.want)
		}
	}

	// After a frame is read, the one behind it, all there, is buffered.
	two := append(append([]byte{}, framed...), framed...)
	br := bufio.NewReader(bytes.NewReader(two))
	r := frame.NewReader(br)
	var f frame.Frame
	if err := r.Next(&f); err != nil {
		t.Fatal(err)
	}
	if !r.Buffered() {
		t.Error("the second frame, read with the first, is not buffered")
	}
	if err := r.Next(&f); err != nil {
		t.Fatal(err)
	}
	if r.Buffered() {
		t.Error("buffered with nothing left")
	}
}
