package frame_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unsafe"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

func fullHeader() *frame.Header {
	return &frame.Header{
		Flags: frame.FlagOutOfOrder, SeqID: 7,
		FromService: "caller", ToService: "echo.svc", ToMethod: "echo",
		RPCTimeout: 1500 * time.Millisecond, MsgType: thrift.MessageCall,
		IntInfo:  map[uint16]string{frame.KeyDestAddress: "10.0.0.1:8888", 200: ""},
		StrInfo:  map[string]string{frame.KeyIDLServiceName: "Echo", "RPC_PERSIST_user": "u1", "RPC_TRANSIT_": "", "k": strings.Repeat("v", 300)},
		ACLToken: "token",
	}
}

func appendEcho(t *testing.T, b []byte, f frame.Framing, h *frame.Header, msg string, seq int32) []byte {
	t.Helper()
	b, err := frame.AppendMessage(b, f, h, echo.EchoEchoMethod.Name, thrift.MessageCall, seq, &echo.EchoEchoArgs{Msg: msg})
	require.NoError(t, err)
	return b
}

func decodeEcho(t *testing.T, payload []byte) (string, int32) {
	t.Helper()
	var args echo.EchoEchoArgs
	name, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(payload), &args)
	require.NoError(t, err)
	require.Equal(t, echo.EchoEchoMethod.Name, name)
	require.Equal(t, thrift.MessageCall, typ)
	return args.Msg, seq
}

var framings = []frame.Framing{frame.Buffered, frame.Framed, frame.TTHeader, frame.TTHeaderFramed}

func TestRoundTripEveryFraming(t *testing.T) {
	var stream []byte
	for i, f := range framings {
		stream = appendEcho(t, stream, f, fullHeader(), f.String(), int32(i))
	}
	r := frame.NewReader(bytes.NewReader(stream))
	var fr frame.Frame
	for i, f := range framings {
		require.NoError(t, r.Next(&fr), f)
		assert.Equal(t, f, fr.Framing)
		msg, seq := decodeEcho(t, fr.Payload)
		assert.Equal(t, f.String(), msg)
		assert.Equal(t, int32(i), seq)
		if f == frame.TTHeader || f == frame.TTHeaderFramed {
			assert.Equal(t, fullHeader(), &fr.Header)
		} else {
			assert.Equal(t, frame.Header{}, fr.Header, "no header outside ttheader")
		}
	}
	assert.ErrorIs(t, r.Next(&fr), io.EOF)
}

// Messages that arrive a byte at a time through a small buffer take every
// slow path of the reader, and pipelined messages stay intact.
func TestSlowStream(t *testing.T) {
	var stream []byte
	for range 3 {
		for _, f := range framings {
			stream = appendEcho(t, stream, f, fullHeader(), strings.Repeat("x", 100), 1)
		}
	}
	r := frame.NewReader(iotest.OneByteReader(bytes.NewReader(stream)), frame.WithBufferSize(16))
	var fr frame.Frame
	for range 3 {
		for _, f := range framings {
			require.NoError(t, r.Next(&fr))
			assert.Equal(t, f, fr.Framing)
			msg, _ := decodeEcho(t, fr.Payload)
			assert.Len(t, msg, 100)
		}
	}
	assert.ErrorIs(t, r.Next(&fr), io.EOF)
}

func TestEveryPrefixIsTruncated(t *testing.T) {
	for _, f := range framings {
		b := appendEcho(t, nil, f, fullHeader(), "hello", 1)
		for n := 1; n < len(b); n++ {
			var fr frame.Frame
			err := frame.NewReader(bytes.NewReader(b[:n])).Next(&fr)
			require.ErrorIs(t, err, frame.ErrTruncated, "%v prefix %d", f, n)
		}
		var fr frame.Frame
		require.ErrorIs(t, frame.NewReader(bytes.NewReader(nil)).Next(&fr), io.EOF)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		in      string
		framing frame.Framing
		unsupp  string
	}{
		{"\x00\x00\x00\x20\x10\x00", frame.TTHeader, ""},
		{"\x00\x00\x00\x20\x80\x01", frame.Framed, ""},
		{"\x80\x01\x00\x01\x00\x00", frame.Buffered, ""},
		{"\x00\x00\x00\x20\x82\x21", 0, "thrift compact (framed)"},
		{"\x82\x21\x01\x04echo", 0, "thrift compact"},
		{"\x00\x00\x00\x20\x0f\xff", 0, "apache theader"},
		{"\xff\xaf\x00\x10\x00\x00", 0, "kitex mesh header"},
		{"PRI * HTTP/2.0", 0, "http/2"},
		{"GET / HTTP/1.1", 0, "http/1"},
		{"\x16\x03\x01\x05\xc6\x01", 0, "tls (a TLS client of a plain server: see server.WithTLS)"},
		{"\x00\x00\x00\x04echo", 0, "unknown (first bytes 00 00 00 04 65 63)"},
	}
	for _, tt := range tests {
		f, err := frame.Sniff([]byte(tt.in))
		if tt.unsupp == "" {
			require.NoError(t, err)
			assert.Equal(t, tt.framing, f)
			continue
		}
		var ue *frame.UnsupportedError
		require.ErrorAs(t, err, &ue)
		assert.Equal(t, tt.unsupp, ue.Protocol)
		assert.ErrorIs(t, err, frame.ErrUnsupported)
		assert.Equal(t, "frame: unsupported protocol: "+tt.unsupp, err.Error())
	}
	_, err := frame.Sniff([]byte{0, 0, 0})
	assert.ErrorIs(t, err, frame.ErrTruncated)
}

func TestUnsupportedStreams(t *testing.T) {
	// A TTHeader with the compact protocol inside, and one with a transform.
	b := appendEcho(t, nil, frame.TTHeader, &frame.Header{ProtocolID: frame.ProtocolCompact}, "x", 1)
	var fr frame.Frame
	err := frame.NewReader(bytes.NewReader(b)).Next(&fr)
	require.ErrorIs(t, err, frame.ErrUnsupported)
	assert.Contains(t, err.Error(), "protocol id 2")

	b = appendEcho(t, nil, frame.TTHeader, nil, "x", 1)
	b[15] = 1 // one transform, its id is the next (zero) byte
	err = frame.NewReader(bytes.NewReader(b)).Next(&fr)
	require.ErrorIs(t, err, frame.ErrUnsupported)
	assert.Contains(t, err.Error(), "transform 0")
}

func framedClaim(n uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, n)
	return append(b, 0x80, 0x01, 0, 1, 0, 0, 0, 4)
}

func ttheaderClaim(n uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, n)
	return append(b, 0x10, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0)
}

// allocated returns the bytes allocated by f, averaged over runs.
func allocated(runs int, f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

func TestHugeFramesAllocateNothing(t *testing.T) {
	claims := map[string][]byte{
		"framed 2 GiB":   framedClaim(1<<31 - 1),
		"ttheader 2 GiB": ttheaderClaim(1<<31 - 1),
		"ttheader 4 GiB": ttheaderClaim(1<<32 - 1),
		"framed 17 MiB":  framedClaim(17 << 20),
	}
	for name, claim := range claims {
		var fr frame.Frame
		readers := make([]*frame.Reader, 20)
		for i := range readers {
			readers[i] = frame.NewReader(bytes.NewReader(claim))
		}
		i := 0
		bytesPerRead := allocated(len(readers), func() {
			err := readers[i].Next(&fr)
			i++
			if !errors.Is(err, frame.ErrTooLarge) {
				t.Fatalf("%s: %v", name, err)
			}
		})
		assert.Less(t, bytesPerRead, uint64(1024), "%s: bytes allocated refusing the frame", name)
	}
}

// A frame under the limit that never arrives costs memory for what arrived,
// not for what it claimed.
func TestStalledFrameCostsWhatArrived(t *testing.T) {
	claim := append(framedClaim(15<<20), make([]byte, 100)...)
	var fr frame.Frame
	var err error
	r := frame.NewReader(bytes.NewReader(claim))
	n := allocated(1, func() { err = r.Next(&fr) })
	require.ErrorIs(t, err, frame.ErrTruncated)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Less(t, n, uint64(64<<10))
}

func TestLimits(t *testing.T) {
	b := appendEcho(t, nil, frame.Framed, nil, strings.Repeat("x", 1000), 1)
	var fr frame.Frame
	require.ErrorIs(t, frame.NewReader(bytes.NewReader(b), frame.WithMaxFrameSize(1000)).Next(&fr), frame.ErrTooLarge)
	require.NoError(t, frame.NewReader(bytes.NewReader(b), frame.WithMaxFrameSize(len(b)-4)).Next(&fr))

	b = appendEcho(t, nil, frame.Buffered, nil, strings.Repeat("x", 1000), 1)
	err := frame.NewReader(bytes.NewReader(b), frame.WithMaxFrameSize(1000)).Next(&fr)
	require.ErrorIs(t, err, frame.ErrMalformed)
	require.ErrorIs(t, err, thrift.ErrTooLarge)
	err = frame.NewReader(bytes.NewReader(b), frame.WithThriftLimits(thrift.WithMaxStringSize(999))).Next(&fr)
	require.ErrorIs(t, err, thrift.ErrTooLarge)

	b = appendEcho(t, nil, frame.TTHeader, fullHeader(), "x", 1)
	require.ErrorIs(t, frame.NewReader(bytes.NewReader(b), frame.WithMaxHeaderSize(64)).Next(&fr), frame.ErrTooLarge)
	// Bad values keep or clamp: the defaults still read the frame.
	r := frame.NewReader(bytes.NewReader(b), frame.WithMaxHeaderSize(-1), frame.WithMaxFrameSize(0), frame.WithBufferSize(0), nil)
	require.NoError(t, r.Next(&fr))
}

func TestMalformed(t *testing.T) {
	good := appendEcho(t, nil, frame.TTHeader, &frame.Header{StrInfo: map[string]string{"a": "b"}}, "x", 1)
	tests := map[string]func(b []byte) []byte{
		"negative framed length": func([]byte) []byte { return framedClaim(0x80000000) },
		"header size over frame": func(b []byte) []byte { binary.BigEndian.PutUint16(b[12:], 0x100); return b },
		"header size zero":       func(b []byte) []byte { binary.BigEndian.PutUint16(b[12:], 0); return b },
		"unknown info block":     func(b []byte) []byte { b[16] = 0x42; return b },
		"kv count over header":   func(b []byte) []byte { b[17], b[18] = 0xff, 0xff; return b },
		"inner framed length": func([]byte) []byte {
			b := appendEcho(t, nil, frame.TTHeaderFramed, nil, "x", 1)
			b[len(b)-28]++
			return b
		},
	}
	for name, mutate := range tests {
		b := mutate(append([]byte(nil), good...))
		var fr frame.Frame
		err := frame.NewReader(bytes.NewReader(b)).Next(&fr)
		assert.ErrorIs(t, err, frame.ErrMalformed, name)
	}
}

func TestIntKeysOnTheWire(t *testing.T) {
	h := &frame.Header{RPCTimeout: 1500 * time.Microsecond, MsgType: thrift.MessageOneway}
	b := appendEcho(t, nil, frame.TTHeader, h, "x", 1)
	// INT_KEY_VALUE block: id 0x10, 2 entries, key 12 "2" (rounded up), key 22 "4".
	assert.Contains(t, string(b), "\x10\x00\x02\x00\x0c\x00\x012\x00\x16\x00\x014")

	// Volo writes MsgType as a raw byte: read it too.
	raw := bytes.Replace(b, []byte("\x00\x16\x00\x014"), []byte("\x00\x16\x00\x01\x04"), 1)
	var fr frame.Frame
	require.NoError(t, frame.NewReader(bytes.NewReader(raw)).Next(&fr))
	assert.Equal(t, thrift.MessageOneway, fr.Header.MsgType)
	assert.Equal(t, 2*time.Millisecond, fr.Header.RPCTimeout)

	for _, bad := range []string{"\x00\x16\x00\x01\x09", "\x00\x16\x00\x019"} {
		junk := bytes.Replace(b, []byte("\x00\x16\x00\x014"), []byte(bad), 1)
		assert.ErrorIs(t, frame.NewReader(bytes.NewReader(junk)).Next(&fr), frame.ErrMalformed)
	}
	junk := bytes.Replace(b, []byte("\x00\x0c\x00\x012"), []byte("\x00\x0c\x00\x01x"), 1)
	assert.ErrorIs(t, frame.NewReader(bytes.NewReader(junk)).Next(&fr), frame.ErrMalformed)

	// A typed field wins over the same key in IntInfo.
	h = &frame.Header{ToMethod: "typed", IntInfo: map[uint16]string{frame.KeyToMethod: "raw"}}
	b = appendEcho(t, nil, frame.TTHeader, h, "x", 1)
	require.NoError(t, frame.NewReader(bytes.NewReader(b)).Next(&fr))
	assert.Equal(t, "typed", fr.Header.ToMethod)
	assert.Empty(t, fr.Header.IntInfo)
}

func TestEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 1<<16)
	for _, h := range []*frame.Header{
		{StrInfo: map[string]string{"k": long}},
		{StrInfo: map[string]string{long: ""}},
		{IntInfo: map[uint16]string{1: long}},
		{ACLToken: long},
		{FromService: long},
	} {
		_, err := frame.AppendMessage(nil, frame.TTHeader, h, "m", thrift.MessageCall, 1, &echo.EchoEchoArgs{})
		assert.ErrorIs(t, err, frame.ErrTooLarge)
		_, err = frame.Size(frame.TTHeader, h)
		assert.ErrorIs(t, err, frame.ErrTooLarge)
	}
	many := map[string]string{}
	for i := range 5000 {
		many[strings.Repeat("k", 10)+string(rune('a'+i%26))+strings.Repeat("x", i/26)] = "value"
	}
	_, err := frame.AppendMessage(nil, frame.TTHeader, &frame.Header{StrInfo: many}, "m", thrift.MessageCall, 1, &echo.EchoEchoArgs{})
	assert.ErrorIs(t, err, frame.ErrTooLarge, "header over 256 KiB")

	_, err = frame.AppendMessage(nil, frame.Framing(9), nil, "m", thrift.MessageCall, 1, &echo.EchoEchoArgs{})
	assert.Error(t, err)
	_, _, err = frame.Begin(nil, 0, nil)
	assert.Error(t, err)
}

func TestSizeIsExact(t *testing.T) {
	args := &echo.EchoEchoArgs{Msg: "hello"}
	for _, f := range framings {
		for _, h := range []*frame.Header{nil, {}, fullHeader()} {
			n, err := frame.Size(f, h)
			require.NoError(t, err)
			b := appendEcho(t, nil, f, h, args.Msg, 1)
			assert.Equal(t, len(b), n+thrift.MessageSize(echo.EchoEchoMethod.Name, args), f)
		}
	}
}

func TestWriteAllocatesNothing(t *testing.T) {
	h := fullHeader()
	args := &echo.EchoEchoArgs{Msg: "hello"}
	for _, f := range framings {
		allocs := testing.AllocsPerRun(100, func() {
			buf := frame.GetBuffer()
			b, m, err := frame.Begin(buf.B, f, h)
			if err != nil {
				panic(err)
			}
			b = thrift.AppendMessage(b, echo.EchoEchoMethod.Name, thrift.MessageCall, 1, args)
			if err := m.End(b); err != nil {
				panic(err)
			}
			buf.B = b
			buf.Free()
		})
		assert.Zero(t, allocs, f)
	}
}

func TestReadAllocatesLittle(t *testing.T) {
	var stream []byte
	for range 200 {
		stream = appendEcho(t, stream, frame.TTHeader, &frame.Header{StrInfo: map[string]string{"k": "v"}}, "x", 1)
	}
	r := frame.NewReader(bytes.NewReader(stream))
	var fr frame.Frame
	require.NoError(t, r.Next(&fr))
	allocs := testing.AllocsPerRun(100, func() {
		if err := r.Next(&fr); err != nil {
			panic(err)
		}
	})
	assert.LessOrEqual(t, allocs, 3.0, "the map, the key and value strings")
}

// A frame's header maps stay as they were when the next frame is read, so
// a handler still running can keep them.
func TestHeaderMapsOutliveTheFrame(t *testing.T) {
	var stream []byte
	stream = appendEcho(t, stream, frame.TTHeader, &frame.Header{StrInfo: map[string]string{"k": "first"}}, "x", 1)
	stream = appendEcho(t, stream, frame.TTHeader, &frame.Header{StrInfo: map[string]string{"k": "second"}}, "x", 2)
	r := frame.NewReader(bytes.NewReader(stream))
	var fr frame.Frame
	require.NoError(t, r.Next(&fr))
	first := fr.Header.StrInfo
	require.NoError(t, r.Next(&fr))
	assert.Equal(t, map[string]string{"k": "first"}, first)
	assert.Equal(t, map[string]string{"k": "second"}, fr.Header.StrInfo)
}

func TestMarkEnd(t *testing.T) {
	b, m, err := frame.Begin(nil, frame.Framed, nil)
	require.NoError(t, err)
	assert.Error(t, m.End(b[:2]), "a buffer shorter than the frame")
	assert.Equal(t, "framing(0)", frame.Framing(0).String())
}

func TestHugeRPCTimeoutIsClampedNotRefused(t *testing.T) {
	const most = time.Duration(1<<62) / time.Millisecond * time.Millisecond
	for _, d := range []time.Duration{most, most + 1, 200 * 365 * 24 * time.Hour, math.MaxInt64} {
		h := &frame.Header{RPCTimeout: d}
		b := appendEcho(t, nil, frame.TTHeader, h, "x", 1)
		n, err := frame.Size(frame.TTHeader, h)
		require.NoError(t, err)
		assert.Equal(t, len(b), n+thrift.MessageSize(echo.EchoEchoMethod.Name, &echo.EchoEchoArgs{Msg: "x"}), d)
		var fr frame.Frame
		require.NoError(t, frame.NewReader(bytes.NewReader(b)).Next(&fr), "timeout %d written, then refused", d)
		assert.Equal(t, most, fr.Header.RPCTimeout, d)
	}
}

// The keys and routing values of a stream's TTHeader frames are read into
// the same strings frame after frame, but each frame gets a map of its
// own: a request that keeps its header sees none of the next frame's
// entries, and its strings cannot change. Keys past the interner's bounds
// (more than it holds, longer than it keeps) still read right.
func TestHeaderStringsRepeatWithoutCopies(t *testing.T) {
	long := strings.Repeat("L", 100)
	header := func(i int) *frame.Header {
		h := &frame.Header{
			SeqID: int32(i), FromService: "caller", ToService: "echo.svc", ToMethod: "echo",
			StrInfo: map[string]string{frame.KeyIDLServiceName: "Echo", "RPC_PERSIST_user": "u" + strconv.Itoa(i)},
		}
		if i == 3 {
			// More keys than the interner holds, and one longer than it keeps.
			h.StrInfo[long] = "x"
			for k := range 20 {
				h.StrInfo["k"+strconv.Itoa(k)] = strconv.Itoa(i)
			}
		}
		return h
	}
	var stream []byte
	for i := range 4 {
		var err error
		stream, err = frame.AppendMessage(stream, frame.TTHeader, header(i), "echo", thrift.MessageCall, int32(i), &echo.EchoEchoArgs{Msg: "m"})
		require.NoError(t, err)
	}
	r := frame.NewReader(bytes.NewReader(stream))
	var kept []frame.Header
	for range 4 {
		var f frame.Frame
		require.NoError(t, r.Next(&f))
		kept = append(kept, f.Header)
	}
	for i, h := range kept {
		want := header(i)
		assert.Equal(t, want.StrInfo, h.StrInfo, "frame %d kept its own entries", i)
		assert.Equal(t, want.ToService, h.ToService)
		assert.Equal(t, want.ToMethod, h.ToMethod)
	}
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	assert.True(t, same(kept[1].ToService, kept[2].ToService), "the service name is read into the string of the frame before")
	assert.True(t, same(kept[1].ToMethod, kept[2].ToMethod))
	assert.True(t, same(kept[1].StrInfo[frame.KeyIDLServiceName], kept[2].StrInfo[frame.KeyIDLServiceName]))
	keyOf := func(m map[string]string, k string) string {
		for mk := range m {
			if mk == k {
				return mk
			}
		}
		return ""
	}
	assert.True(t, same(keyOf(kept[1].StrInfo, "RPC_PERSIST_user"), keyOf(kept[2].StrInfo, "RPC_PERSIST_user")))
	assert.NotEqual(t, kept[1].StrInfo["RPC_PERSIST_user"], kept[2].StrInfo["RPC_PERSIST_user"], "values differ per frame")
}

// A TTHeader frame whose keys and routing values the stream has sent
// before allocates only its map and the values that change.
func TestRepeatedHeaderAllocations(t *testing.T) {
	h := &frame.Header{
		SeqID: 1, FromService: "caller", ToService: "echo.svc", ToMethod: "echo",
		StrInfo: map[string]string{frame.KeyIDLServiceName: "Echo", "RPC_PERSIST_user": "u1", "RPC_TRANSIT_t": "t1"},
	}
	one, err := frame.AppendMessage(nil, frame.TTHeader, h, "echo", thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "m"})
	require.NoError(t, err)
	stream := bytes.Repeat(one, 200)
	r := frame.NewReader(bytes.NewReader(stream))
	var f frame.Frame
	require.NoError(t, r.Next(&f)) // the first frame fills the interner
	allocs := testing.AllocsPerRun(100, func() {
		f = frame.Frame{}
		require.NoError(t, r.Next(&f))
	})
	// The map (header and one bucket) and the two metainfo values.
	assert.LessOrEqual(t, allocs, 4.0)
	assert.Equal(t, "echo.svc", f.Header.ToService)
	assert.Equal(t, "u1", f.Header.StrInfo["RPC_PERSIST_user"])
}

// A map handed to Reuse receives the next frame's string keys; a header
// kept from an earlier frame, not handed back, is never written to.
func TestReuseTakesOnlyTheMapHandedOver(t *testing.T) {
	var stream []byte
	for i, v := range []string{"a", "b", "c"} {
		h := &frame.Header{SeqID: int32(i + 1), StrInfo: map[string]string{"k" + v: v}}
		var err error
		stream, err = frame.AppendMessage(stream, frame.TTHeader, h, "echo", thrift.MessageCall, int32(i+1), &echo.EchoEchoArgs{Msg: "m"})
		require.NoError(t, err)
	}
	r := frame.NewReader(bytes.NewReader(stream))
	var first frame.Frame
	require.NoError(t, r.Next(&first))
	kept := first.Header.StrInfo

	given := map[string]string{}
	r.Reuse(given)
	r.Reuse(map[string]string{}) // one is held already: ignored
	var second frame.Frame
	require.NoError(t, r.Next(&second))
	assert.Equal(t, map[string]string{"kb": "b"}, given, "the map handed over got the second frame's keys")
	assert.Equal(t, unsafe.Pointer(reflect.ValueOf(given).Pointer()), unsafe.Pointer(reflect.ValueOf(second.Header.StrInfo).Pointer()))

	r.Reuse(map[string]string{"x": "not empty"}) // ignored
	var third frame.Frame
	require.NoError(t, r.Next(&third))
	assert.Equal(t, map[string]string{"kc": "c"}, third.Header.StrInfo)
	assert.Equal(t, map[string]string{"ka": "a"}, kept, "a header not handed back is not written to")
	assert.Equal(t, map[string]string{"kb": "b"}, given, "a map is taken once")
}
