package thrift_test

import (
	"errors"
	"fmt"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo/thrift"
)

func ExampleAppendMessage() {
	args := &echo.EchoEchoArgs{Msg: "hi"}
	buf := make([]byte, 0, thrift.MessageSize("echo", args))
	buf = thrift.AppendMessage(buf, "echo", thrift.MessageCall, 1, args)
	fmt.Printf("% x\n", buf)
	// Output:
	// 80 01 00 01 00 00 00 04 65 63 68 6f 00 00 00 01 0b 00 01 00 00 00 02 68 69 00
}

func ExampleNewDecoder() {
	b := thrift.AppendMessage(nil, "echo", thrift.MessageCall, 7, &echo.EchoEchoArgs{Msg: "hi"})

	d := thrift.NewDecoder(b, thrift.WithMaxStringSize(1024))
	var args echo.EchoEchoArgs
	name, typ, seq, err := thrift.DecodeMessage(d, &args)
	fmt.Println(name, typ, seq, err, args.Msg)

	_, _, _, err = thrift.DecodeMessage(thrift.NewDecoder(b[:20]), &args)
	fmt.Println(errors.Is(err, thrift.ErrTruncated), err)
	// Output:
	// echo call 7 <nil> hi
	// true thrift: truncated input at offset 19: need 4 bytes, 1 left
}

func ExampleNewScanner() {
	msg := thrift.AppendMessage(nil, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hi"})
	s := thrift.NewScanner(16 << 20)
	for _, n := range []int{10, 20, len(msg)} {
		size, done, err := s.Scan(msg[:n])
		fmt.Println(n, size, done, err)
	}
	// Output:
	// 10 0 false <nil>
	// 20 0 false <nil>
	// 26 26 true <nil>
}

func ExampleNewApplicationException() {
	ae := thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "no method frob")
	b := thrift.AppendMessage(nil, "frob", thrift.MessageException, 3, ae)

	var result echo.EchoEchoResult
	_, typ, _, err := thrift.DecodeMessage(thrift.NewDecoder(b), &result)
	var got *thrift.ApplicationException
	fmt.Println(typ, errors.As(err, &got), got.Type == thrift.ExceptionUnknownMethod)
	fmt.Println(err)
	// Output:
	// exception true true
	// thrift: application exception (unknown method): no method frob
}

func ExampleDecodeMessageView() {
	b := thrift.AppendMessage(nil, "echo", thrift.MessageCall, 7, &echo.EchoEchoArgs{Msg: "hi"})

	// A router looks the name up without allocating it: the view aliases b.
	methods := map[string]bool{"echo": true}
	var args echo.EchoEchoArgs
	name, _, seq, err := thrift.DecodeMessageView(thrift.NewDecoder(b), &args)
	fmt.Println(methods[string(name)], seq, err, args.Msg)
	// Output:
	// true 7 <nil> hi
}
