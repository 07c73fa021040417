package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"syscall"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"google.golang.org/grpc"
	"google.golang.org/grpc/mem"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// Method is the Thrift method every Thrift stack serves.
const Method = "echo"

// GRPCMethod is the full name of grpc-go's echo method.
const GRPCMethod = "/echo.Echo/Echo"

// ErrShortReply is a reply shorter than the payload it should echo.
var ErrShortReply = errors.New("harness: short reply")

// ErrFrameTooLarge is a reply frame over the client's limit.
var ErrFrameTooLarge = errors.New("harness: reply frame too large")

// Metainfo is the metainfo a TTHeader call carries: one persistent and one
// transient value, as the framework's callers commonly send.
var Metainfo = map[string]string{
	"RPC_PERSIST_trace":  "0123456789abcdef",
	"RPC_TRANSIT_tenant": "bench",
}

// Request returns one whole frame of an echo call with a payload of size
// bytes, in framing f (frame.Framed or frame.TTHeader). A TTHeader frame
// carries the service name and Metainfo in its string keys.
func Request(f frame.Framing, size int) ([]byte, error) {
	args := echo.NewEchoEchoArgs()
	args.Msg = string(bytes.Repeat([]byte{'x'}, size))
	var h *frame.Header
	if f == frame.TTHeader {
		h = &frame.Header{SeqID: 1, ToService: "Echo", ToMethod: Method, MsgType: thrift.MessageCall,
			StrInfo: map[string]string{frame.KeyIDLServiceName: "Echo"}}
		for k, v := range Metainfo {
			h.StrInfo[k] = v
		}
	}
	return frame.AppendMessage(nil, f, h, Method, thrift.MessageCall, 1, args)
}

// ReadFrame reads one length-prefixed frame (Framed or TTHeader: both begin
// with a four-byte big-endian size) into buf, growing it if needed, and
// returns the whole frame, size included. Frames over limit bytes are
// refused before they are read.
func ReadFrame(r io.Reader, buf []byte, limit int) ([]byte, error) {
	if cap(buf) < 4 {
		buf = make([]byte, 4, 4096)
	}
	buf = buf[:4]
	if _, err := io.ReadFull(r, buf); err != nil {
		return buf, err
	}
	n := int(binary.BigEndian.Uint32(buf))
	if n > limit || n < 0 {
		return buf, fmt.Errorf("%w: %d bytes", ErrFrameTooLarge, n)
	}
	if cap(buf) < 4+n {
		nb := make([]byte, 4+n)
		copy(nb, buf[:4])
		buf = nb
	}
	buf = buf[:4+n]
	_, err := io.ReadFull(r, buf[4:])
	return buf, err
}

// RaiseFileLimit raises the soft limit on open files to the hard one and
// returns the limit now in force.
func RaiseFileLimit() (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	return l.Cur, nil
}

// Mem is a process's memory after two collections.
type Mem struct {
	HeapInuse  uint64 // bytes in in-use heap spans
	StackInuse uint64 // bytes of goroutine stacks
	Goroutines int
	RSS        uint64 // resident set size, 0 where /proc is absent
}

// ReadMem collects garbage twice (so that pools drop what they hold) and
// reports the process's memory.
func ReadMem() Mem {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return Mem{HeapInuse: ms.HeapInuse, StackInuse: ms.StackInuse, Goroutines: runtime.NumGoroutine(), RSS: rss()}
}

func rss() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := bytes.CutPrefix(s.Bytes(), []byte("VmRSS:")); ok {
			kb, err := strconv.ParseUint(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// ApacheConf is the Apache configuration of the harness's Apache server.
var ApacheConf = &athrift.TConfiguration{MaxFrameSize: 64 << 20, MaxMessageSize: 64 << 20}

// ApacheProcessor serves echo with Apache's TProtocol, by hand.
type ApacheProcessor struct{}

// Process reads one echo call and writes its reply.
func (ApacheProcessor) Process(ctx context.Context, in, out athrift.TProtocol) (bool, athrift.TException) {
	name, _, seq, err := in.ReadMessageBegin(ctx)
	if err != nil {
		return false, athrift.WrapTException(err)
	}
	msg, err := readString(ctx, in, 1)
	if err != nil {
		return false, athrift.WrapTException(err)
	}
	if err := in.ReadMessageEnd(ctx); err != nil {
		return false, athrift.WrapTException(err)
	}
	out.WriteMessageBegin(ctx, name, athrift.REPLY, seq)
	out.WriteStructBegin(ctx, "echo_result")
	out.WriteFieldBegin(ctx, "success", athrift.STRING, 0)
	out.WriteString(ctx, msg)
	out.WriteFieldEnd(ctx)
	out.WriteFieldStop(ctx)
	out.WriteStructEnd(ctx)
	out.WriteMessageEnd(ctx)
	return true, athrift.WrapTException(out.Flush(ctx))
}

// ProcessorMap returns nil: Process serves every name.
func (ApacheProcessor) ProcessorMap() map[string]athrift.TProcessorFunction { return nil }

// AddToProcessorMap does nothing.
func (ApacheProcessor) AddToProcessorMap(string, athrift.TProcessorFunction) {}

func readString(ctx context.Context, p athrift.TProtocol, want int16) (string, error) {
	var msg string
	if _, err := p.ReadStructBegin(ctx); err != nil {
		return "", err
	}
	for {
		_, t, id, err := p.ReadFieldBegin(ctx)
		if err != nil {
			return "", err
		}
		if t == athrift.STOP {
			return msg, p.ReadStructEnd(ctx)
		}
		if id == want && t == athrift.STRING {
			if msg, err = p.ReadString(ctx); err != nil {
				return "", err
			}
		} else if err := p.Skip(ctx, t); err != nil {
			return "", err
		}
		if err := p.ReadFieldEnd(ctx); err != nil {
			return "", err
		}
	}
}

// RawCodec is a grpc-go codec of raw bytes (*[]byte), so that no protobuf
// work is counted.
type RawCodec struct{}

// Marshal returns the bytes v points to.
func (RawCodec) Marshal(v any) (mem.BufferSlice, error) {
	b, ok := v.(*[]byte)
	if !ok {
		return nil, errors.New("raw codec: not *[]byte")
	}
	return mem.BufferSlice{mem.SliceBuffer(*b)}, nil
}

// Unmarshal copies data into the slice v points to.
func (RawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	b, ok := v.(*[]byte)
	if !ok {
		return errors.New("raw codec: not *[]byte")
	}
	*b = data.Materialize()
	return nil
}

// Name is the codec's content subtype.
func (RawCodec) Name() string { return "raw" }

// GRPCEchoDesc is grpc-go's echo service over RawCodec.
var GRPCEchoDesc = grpc.ServiceDesc{
	ServiceName: "echo.Echo",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			var in []byte
			if err := dec(&in); err != nil {
				return nil, err
			}
			return &in, nil
		},
	}},
}
