package wire_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	athrift "github.com/apache/thrift/lib/go/thrift"
	gthrift "github.com/cloudwego/gopkg/protocol/thrift"
	"github.com/cloudwego/gopkg/protocol/ttheader"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

var ctx = context.Background()

var sizes = []struct {
	name string
	msg  string
}{
	{"16B", strings.Repeat("x", 16)},
	{"1KiB", strings.Repeat("x", 1024)},
}

// sink keeps results alive so the compiler cannot drop the work.
var sink int

func BenchmarkEchoArgsEncode(b *testing.B) {
	for _, sz := range sizes {
		args := &echo.EchoEchoArgs{Msg: sz.msg}
		b.Run("volo/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 2048)
			for b.Loop() {
				buf = thrift.AppendMessage(buf[:0], echo.EchoEchoMethod.Name, thrift.MessageCall, 1, args)
			}
			sink = len(buf)
		})
		b.Run("gopkg/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 2048)
			for b.Loop() {
				buf = gthrift.Binary.AppendMessageBegin(buf[:0], echo.EchoEchoMethod.Name, gthrift.CALL, 1)
				buf = gthrift.Binary.AppendFieldBegin(buf, gthrift.STRING, 1)
				buf = gthrift.Binary.AppendString(buf, args.Msg)
				buf = gthrift.Binary.AppendFieldStop(buf)
			}
			sink = len(buf)
		})
		b.Run("apache/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			mem := athrift.NewTMemoryBufferLen(2048)
			p := athrift.NewTBinaryProtocolConf(mem, &athrift.TConfiguration{})
			for b.Loop() {
				mem.Reset()
				apacheWriteEcho(p, args.Msg)
			}
			sink = mem.Len()
		})
	}
}

func apacheWriteEcho(p *athrift.TBinaryProtocol, msg string) {
	_ = p.WriteMessageBegin(ctx, echo.EchoEchoMethod.Name, athrift.CALL, 1)
	_ = p.WriteStructBegin(ctx, "echo_args")
	_ = p.WriteFieldBegin(ctx, "msg", athrift.STRING, 1)
	_ = p.WriteString(ctx, msg)
	_ = p.WriteFieldEnd(ctx)
	_ = p.WriteFieldStop(ctx)
	_ = p.WriteStructEnd(ctx)
	_ = p.WriteMessageEnd(ctx)
	_ = p.Flush(ctx)
}

func BenchmarkEchoArgsDecode(b *testing.B) {
	for _, sz := range sizes {
		msg := thrift.AppendMessage(nil, echo.EchoEchoMethod.Name, thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: sz.msg})
		b.Run("volo/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			d := thrift.NewDecoder(nil)
			var args echo.EchoEchoArgs
			for b.Loop() {
				d.Reset(msg)
				if _, _, _, err := thrift.DecodeMessage(d, &args); err != nil {
					b.Fatal(err)
				}
			}
			sink = len(args.Msg)
		})
		b.Run("gopkg/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			var got string
			for b.Loop() {
				got = gopkgReadEcho(b, msg)
			}
			sink = len(got)
		})
		b.Run("apache/"+sz.name, func(b *testing.B) {
			b.ReportAllocs()
			mem := athrift.NewTMemoryBufferLen(2048)
			p := athrift.NewTBinaryProtocolConf(mem, &athrift.TConfiguration{})
			var got string
			for b.Loop() {
				mem.Reset()
				_, _ = mem.Write(msg)
				got = apacheReadEcho(b, p)
			}
			sink = len(got)
		})
	}
}

// gopkgReadEcho decodes an echo call as Kitex's generated FastRead does.
func gopkgReadEcho(b testing.TB, buf []byte) (msg string) {
	_, _, _, l, err := gthrift.Binary.ReadMessageBegin(buf)
	if err != nil {
		b.Fatal(err)
	}
	buf = buf[l:]
	for {
		ft, id, l, err := gthrift.Binary.ReadFieldBegin(buf)
		if err != nil {
			b.Fatal(err)
		}
		buf = buf[l:]
		if ft == gthrift.STOP {
			return msg
		}
		if id == 1 && ft == gthrift.STRING {
			msg, l, err = gthrift.Binary.ReadString(buf)
		} else {
			l, err = gthrift.Binary.Skip(buf, ft)
		}
		if err != nil {
			b.Fatal(err)
		}
		buf = buf[l:]
	}
}

// apacheReadEcho decodes an echo call as Apache's generated code does.
func apacheReadEcho(b testing.TB, p *athrift.TBinaryProtocol) (msg string) {
	if _, _, _, err := p.ReadMessageBegin(ctx); err != nil {
		b.Fatal(err)
	}
	_, _ = p.ReadStructBegin(ctx)
	for {
		_, ft, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if ft == athrift.STOP {
			break
		}
		if id == 1 && ft == athrift.STRING {
			msg, err = p.ReadString(ctx)
		} else {
			err = p.Skip(ctx, ft)
		}
		if err != nil {
			b.Fatal(err)
		}
		_ = p.ReadFieldEnd(ctx)
	}
	_ = p.ReadStructEnd(ctx)
	_ = p.ReadMessageEnd(ctx)
	return msg
}

// A request header as a Kitex client sends it, with some metainfo.
var (
	strInfo = map[string]string{
		"isn": "Echo", "RPC_PERSIST_tenant": "acme", "RPC_TRANSIT_tag": "blue", "RPC_PERSIST_user": "ada",
	}
	header = &frame.Header{
		SeqID: 1, FromService: "caller", ToService: "echo.svc", ToMethod: "echo",
		RPCTimeout: time.Second, MsgType: thrift.MessageCall, StrInfo: strInfo,
	}
	intInfo = map[uint16]string{
		ttheader.FromService: "caller", ttheader.ToService: "echo.svc", ttheader.ToMethod: "echo",
		ttheader.RPCTimeout: "1000", ttheader.MsgType: "1",
	}
)

func BenchmarkTTHeaderEncode(b *testing.B) {
	args := &echo.EchoEchoArgs{Msg: sizes[0].msg}
	b.Run("volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf := frame.GetBuffer()
			out, err := frame.AppendMessage(buf.B, frame.TTHeader, header, echo.EchoEchoMethod.Name, thrift.MessageCall, 1, args)
			if err != nil {
				b.Fatal(err)
			}
			sink = len(out)
			buf.B = out
			buf.Free()
		}
	})
	b.Run("gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			// EncodeToBytes allocates its own buffer: it has no append form.
			out, err := ttheader.EncodeToBytes(ctx, ttheader.EncodeParam{SeqID: 1, IntInfo: intInfo, StrInfo: strInfo})
			if err != nil {
				b.Fatal(err)
			}
			out = gthrift.Binary.AppendMessageBegin(out, echo.EchoEchoMethod.Name, gthrift.CALL, 1)
			out = gthrift.Binary.AppendFieldBegin(out, gthrift.STRING, 1)
			out = gthrift.Binary.AppendString(out, args.Msg)
			out = gthrift.Binary.AppendFieldStop(out)
			binary.BigEndian.PutUint32(out, uint32(len(out)-4))
			sink = len(out)
		}
	})
}

func BenchmarkTTHeaderDecode(b *testing.B) {
	msg, err := frame.AppendMessage(nil, frame.TTHeader, header, echo.EchoEchoMethod.Name, thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: sizes[0].msg})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("volo", func(b *testing.B) {
		b.ReportAllocs()
		src := bytes.NewReader(msg)
		r := frame.NewReader(src)
		d := thrift.NewDecoder(nil)
		var f frame.Frame
		var args echo.EchoEchoArgs
		for b.Loop() {
			src.Reset(msg)
			if err := r.Next(&f); err != nil {
				b.Fatal(err)
			}
			d.Reset(f.Payload)
			if _, _, _, err := thrift.DecodeMessage(d, &args); err != nil {
				b.Fatal(err)
			}
		}
		sink = len(args.Msg) + len(f.Header.StrInfo)
	})
	b.Run("gopkg", func(b *testing.B) {
		b.ReportAllocs()
		var got string
		for b.Loop() {
			p, err := ttheader.DecodeFromBytes(ctx, msg)
			if err != nil {
				b.Fatal(err)
			}
			got = gopkgReadEcho(b, msg[p.HeaderLen:])
		}
		sink = len(got)
	})
}

func BenchmarkFramedRoundTrip(b *testing.B) {
	args := &echo.EchoEchoArgs{Msg: sizes[1].msg}
	b.Run("volo", func(b *testing.B) {
		b.ReportAllocs()
		var stream bytes.Buffer
		r := frame.NewReader(&stream)
		d := thrift.NewDecoder(nil)
		var f frame.Frame
		var got echo.EchoEchoArgs
		for b.Loop() {
			buf := frame.GetBuffer()
			out, err := frame.AppendMessage(buf.B, frame.Framed, nil, echo.EchoEchoMethod.Name, thrift.MessageCall, 1, args)
			if err != nil {
				b.Fatal(err)
			}
			stream.Write(out)
			buf.B = out
			buf.Free()
			if err := r.Next(&f); err != nil {
				b.Fatal(err)
			}
			d.Reset(f.Payload)
			if _, _, _, err := thrift.DecodeMessage(d, &got); err != nil {
				b.Fatal(err)
			}
		}
		sink = len(got.Msg)
	})
	b.Run("apache", func(b *testing.B) {
		b.ReportAllocs()
		mem := athrift.NewTMemoryBufferLen(4096)
		p := athrift.NewTBinaryProtocolConf(athrift.NewTFramedTransportConf(mem, &athrift.TConfiguration{}), &athrift.TConfiguration{})
		var got string
		for b.Loop() {
			apacheWriteEcho(p, args.Msg)
			got = apacheReadEcho(b, p)
		}
		sink = len(got)
	})
}
