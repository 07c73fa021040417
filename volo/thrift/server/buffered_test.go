package server

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

// TestFrameBuffered: the read deadline is skipped only for a whole
// length-prefixed frame already in the buffer; a partial frame or an
// unframed message gets it.
func TestFrameBuffered(t *testing.T) {
	args := noFields{}
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
	} {
		c := &conn{br: bufio.NewReader(bytes.NewReader(tc.in))}
		c.br.Peek(1) // fills the buffer with what there is
		if got := c.frameBuffered(); got != tc.want {
			t.Errorf("%s: frameBuffered %v, want %v", tc.name, got, tc.want)
		}
	}
}

// noFields is a struct with no fields: its encoding is a STOP.
type noFields struct{}

func (noFields) ThriftSize() int                    { return 1 }
func (noFields) AppendThrift(b []byte) []byte       { return append(b, 0) }
func (noFields) DecodeThrift(*thrift.Decoder) error { return nil }
