package frame_test

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

func ExampleSniff() {
	for _, first := range []string{
		"\x00\x00\x00\x30\x10\x00",
		"\x00\x00\x00\x30\x80\x01",
		"\x80\x01\x00\x01\x00\x00",
		"\x00\x00\x00\x30\x0f\xff",
	} {
		f, err := frame.Sniff([]byte(first))
		fmt.Println(f, err, errors.Is(err, frame.ErrUnsupported))
	}
	// Output:
	// ttheader <nil> false
	// framed <nil> false
	// buffered <nil> false
	// framing(0) frame: unsupported protocol: apache theader true
}

func ExampleAppendMessage() {
	h := &frame.Header{
		SeqID:      1,
		ToService:  "echo",
		RPCTimeout: 50 * time.Millisecond,
		StrInfo:    map[string]string{"isn": "Echo"},
	}
	b, err := frame.AppendMessage(nil, frame.TTHeader, h, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hi"})
	fmt.Println(err)
	fmt.Printf("fixed part:  % x\n", b[:14])
	fmt.Printf("header:      % x\n", b[14:50])
	fmt.Printf("payload:     % x\n", b[50:])
	// Output:
	// <nil>
	// fixed part:  00 00 00 48 10 00 00 00 00 00 00 01 00 09
	// header:      00 00 01 00 01 00 03 69 73 6e 00 04 45 63 68 6f 10 00 02 00 06 00 04 65 63 68 6f 00 0c 00 02 35 30 00 00 00
	// payload:     80 01 00 01 00 00 00 04 65 63 68 6f 00 00 00 01 0b 00 01 00 00 00 02 68 69 00
}

func ExampleBegin() {
	buf := frame.GetBuffer()
	defer buf.Free()

	b, mark, err := frame.Begin(buf.B, frame.Framed, nil)
	if err != nil {
		panic(err)
	}
	b = thrift.AppendMessage(b, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hi"})
	if err := mark.End(b); err != nil {
		panic(err)
	}
	buf.B = b
	fmt.Printf("% x\n", b[:8])
	// Output:
	// 00 00 00 1a 80 01 00 01
}

func ExampleNewReader() {
	var stream []byte
	for _, f := range []frame.Framing{frame.TTHeaderFramed, frame.Buffered} {
		h := &frame.Header{StrInfo: map[string]string{"RPC_PERSIST_user": "ada"}}
		stream, _ = frame.AppendMessage(stream, f, h, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: f.String()})
	}
	// A frame that claims 2 GiB: refused from its length field.
	stream = append(stream, 0x7f, 0xff, 0xff, 0xff, 0x80, 0x01, 0x00, 0x01)

	r := frame.NewReader(bytes.NewReader(stream), frame.WithMaxFrameSize(1<<20))
	var f frame.Frame
	for {
		if err := r.Next(&f); err != nil {
			fmt.Println(err)
			break
		}
		var args echo.EchoEchoArgs
		_, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(f.Payload), &args)
		fmt.Println(f.Framing, args.Msg, f.Header.StrInfo, err)
	}
	// Output:
	// ttheader_framed ttheader_framed map[RPC_PERSIST_user:ada] <nil>
	// buffered buffered map[] <nil>
	// frame: too large: frame of 2147483647 bytes, limit 1048576
}

func ExampleGetBuffer() {
	// One buffer per reply, back to the pool once written.
	for i, msg := range []string{"a", "bb"} {
		buf := frame.GetBuffer()
		var err error
		buf.B, err = frame.AppendMessage(buf.B, frame.Framed, nil, "echo", thrift.MessageReply, int32(i), &echo.EchoEchoArgs{Msg: msg})
		fmt.Println(len(buf.B), err)
		buf.Free()
	}
	// Output:
	// 29 <nil>
	// 30 <nil>
}
