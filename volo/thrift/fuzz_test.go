package thrift_test

import (
	"errors"
	"testing"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest"
)

func seeds(f *testing.F) {
	f.Add(encode("sample", thrift.MessageCall, 1, sample()))
	f.Add(encode("deep", thrift.MessageCall, 1, nested(5)))
	f.Add(encode("echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "hi"}))
	f.Add(encode("x", thrift.MessageException, 1, thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "m")))
	f.Add(thrift.AppendFieldStop(thrift.AppendMessageBeginOld(nil, "old", thrift.MessageCall, 1)))
	f.Add([]byte{0x82, 0x21, 0x01, 0x04})
}

// FuzzDecoder decodes arbitrary input as a Sample message: it must never
// panic, and what it accepts must encode and decode back to the same value.
func FuzzDecoder(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var s thrifttest.Sample
		d := thrift.NewDecoder(b, thrift.WithMaxDepth(16))
		name, typ, seq, err := thrift.DecodeMessage(d, &s)
		if err != nil {
			var pe *thrift.ProtocolError
			var ae *thrift.ApplicationException
			if !errors.As(err, &pe) && !errors.As(err, &ae) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			return
		}
		again := encode(name, typ, seq, &s)
		var s2 thrifttest.Sample
		if _, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(again, thrift.WithMaxDepth(16)), &s2); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if string(encode(name, typ, seq, &s2)) != string(again) {
			t.Fatal("re-encoding differs")
		}
	})
}

// FuzzSkip checks the decoder's Skip and the streaming Scanner against each
// other: they must agree on where a message ends and on why it is bad.
func FuzzSkip(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := []thrift.Option{thrift.WithMaxDepth(8), thrift.WithMaxContainerSize(1000), thrift.WithMaxStringSize(1000)}
		d := thrift.NewDecoder(b, opts...)
		_, _, _, err := d.ReadMessageBegin()
		if err == nil {
			err = d.Skip(thrift.TypeStruct)
		}
		s := thrift.NewScanner(1<<20, opts...)
		// Feed the input in two pieces to exercise resuming.
		size, done, serr := s.Scan(b[:len(b)/2])
		if !done && serr == nil {
			size, done, serr = s.Scan(b)
		}
		var pe *thrift.ProtocolError
		switch {
		case err == nil:
			if !done || serr != nil || size != d.Offset() {
				t.Fatalf("decoder: end %d; scanner: %d %v %v", d.Offset(), size, done, serr)
			}
		case errors.Is(err, thrift.ErrTruncated):
			if done {
				t.Fatalf("decoder: %v; scanner done at %d", err, size)
			}
		case !errors.As(err, &pe):
			t.Fatalf("untyped error %T: %v", err, err)
		default:
			var spe *thrift.ProtocolError
			if !errors.As(serr, &spe) || spe.Kind != pe.Kind {
				t.Fatalf("decoder: %v; scanner: %v %v", err, done, serr)
			}
		}
	})
}
