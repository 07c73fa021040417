package server_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/govolo/volo/volo/grpc/server"
	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/protobuf/proto"
)

// rawConn is an HTTP/2 client written frame by frame, for peers that
// misbehave.
type rawConn struct {
	nc  net.Conn
	fr  *http2.Framer
	enc *hpack.Encoder
	buf bytes.Buffer
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	if _, err := io.WriteString(nc, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	r := &rawConn{nc: nc, fr: http2.NewFramer(nc, nc)}
	r.enc = hpack.NewEncoder(&r.buf)
	if err := r.fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *rawConn) block(path string) []byte {
	r.buf.Reset()
	for _, f := range []hpack.HeaderField{
		{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "http"}, {Name: ":path", Value: path},
		{Name: ":authority", Value: "x"}, {Name: "content-type", Value: "application/grpc"}, {Name: "te", Value: "trailers"},
	} {
		r.enc.WriteField(f)
	}
	return append([]byte(nil), r.buf.Bytes()...)
}

// cutOff reads until the server closes the connection and reports
// whether it sent GOAWAY with code first. Writes keep going in the
// background; their errors end them.
func (r *rawConn) cutOff(t *testing.T, code http2.ErrCode) {
	t.Helper()
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	sawGoAway := false
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatal("the server did not close the connection")
			}
			break
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok && ga.ErrCode == code {
			sawGoAway = true
		}
	}
	if !sawGoAway {
		t.Errorf("closed without GOAWAY %v", code)
	}
}

// flood writes frames with write until it fails (the server closed the
// connection) or n were written.
func flood(r *rawConn, n int, write func(i int) error) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			if write(i) != nil {
				return
			}
		}
	}()
	return done
}

// stillServes checks that a well-behaved client on another connection is
// unaffected.
func stillServes(t *testing.T, c testpb.TestServiceClient) {
	t.Helper()
	if _, err := c.EmptyCall(ctxT(t), &testpb.Empty{}); err != nil {
		t.Fatalf("another connection failed: %v", err)
	}
}

func TestRapidResetIsCutOff(t *testing.T) {
	srv, c, _ := start(t, server.WithLogger(discardLogger()))
	_ = srv
	stillServes(t, c)
	addr := serverAddr(t, c)
	r := dialRaw(t, addr)
	blk := r.block("/grpc.testing.TestService/EmptyCall")
	done := flood(r, 100000, func(i int) error {
		id := uint32(2*i + 1)
		if err := r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: blk, EndHeaders: true}); err != nil {
			return err
		}
		return r.fr.WriteRSTStream(id, http2.ErrCodeCancel)
	})
	r.cutOff(t, http2.ErrCodeEnhanceYourCalm)
	<-done
	stillServes(t, c)
}

func TestPingFloodIsCutOff(t *testing.T) {
	_, c, _ := start(t, server.WithLogger(discardLogger()))
	r := dialRaw(t, serverAddr(t, c))
	done := flood(r, 100000, func(int) error { return r.fr.WritePing(false, [8]byte{1}) })
	r.cutOff(t, http2.ErrCodeEnhanceYourCalm)
	<-done
	stillServes(t, c)
}

func TestSettingsFloodIsCutOff(t *testing.T) {
	_, c, _ := start(t, server.WithLogger(discardLogger()))
	r := dialRaw(t, serverAddr(t, c))
	done := flood(r, 100000, func(int) error { return r.fr.WriteSettings(http2.Setting{ID: http2.SettingEnablePush, Val: 0}) })
	r.cutOff(t, http2.ErrCodeEnhanceYourCalm)
	<-done
	stillServes(t, c)
}

// A header block that never ends is cut off once its bytes pass twice the
// header list limit, whatever its fragments decode to.
func TestEndlessContinuationIsCutOff(t *testing.T) {
	_, c, _ := start(t, server.WithLogger(discardLogger()), server.WithMaxHeaderListSize(8<<10))
	r := dialRaw(t, serverAddr(t, c))
	blk := r.block("/grpc.testing.TestService/EmptyCall")
	if err := r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: blk}); err != nil {
		t.Fatal(err)
	}
	// Empty fragments: nothing for the decoder to count, only frames.
	done := flood(r, 1000000, func(int) error { return r.fr.WriteContinuation(1, false, nil) })
	r.cutOff(t, http2.ErrCodeEnhanceYourCalm)
	<-done
	stillServes(t, c)
}

func TestFrameOverTheLimitIsCutOff(t *testing.T) {
	_, c, _ := start(t, server.WithLogger(discardLogger()))
	r := dialRaw(t, serverAddr(t, c))
	// A DATA frame header announcing 1 MiB, over the 16 KiB frame limit
	// advertised: refused from the header, before the payload.
	hdr := []byte{0x10, 0, 0, byte(http2.FrameData), 0, 0, 0, 0, 1}
	if _, err := r.nc.Write(hdr); err != nil {
		t.Fatal(err)
	}
	r.cutOff(t, http2.ErrCodeFrameSize)
	stillServes(t, c)
}

// serverAddr is the address the test client is connected to.
func serverAddr(t *testing.T, c testpb.TestServiceClient) string {
	t.Helper()
	addrMu.Lock()
	a, ok := addrOf[c]
	addrMu.Unlock()
	if !ok {
		t.Fatal("no address recorded for the client")
	}
	return a
}

// A client that never opens its flow-control window holds a response
// only for the write timeout: then the stream is reset and its handler's
// resources go, and other connections are unaffected.
func TestStuckFlowControlIsReset(t *testing.T) {
	_, c, _ := start(t, server.WithLogger(discardLogger()), server.WithWriteTimeout(200*time.Millisecond))
	r := dialRaw(t, serverAddr(t, c))
	body, err := proto.Marshal(&testpb.SimpleRequest{ResponseSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	msg := append([]byte{0, byte(len(body) >> 24), byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
	if err := r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: r.block("/grpc.testing.TestService/UnaryCall"), EndHeaders: true}); err != nil {
		t.Fatal(err)
	}
	if err := r.fr.WriteData(1, true, msg); err != nil {
		t.Fatal(err)
	}
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	data := 0
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			t.Fatalf("no reset: %v (after %d bytes of DATA)", err, data)
		}
		switch f := f.(type) {
		case *http2.DataFrame:
			data += len(f.Data())
		case *http2.RSTStreamFrame:
			if f.StreamID != 1 {
				t.Fatalf("reset of stream %d", f.StreamID)
			}
			if data > 65535 {
				t.Errorf("%d bytes sent past the 64 KiB window", data)
			}
			stillServes(t, c)
			return
		}
	}
}

// A client pinging more often than the enforcement policy allows gets
// GOAWAY ENHANCE_YOUR_CALM "too_many_pings" after its strikes, as grpc-go's
// server answers.
func TestTooManyPings(t *testing.T) {
	_, c, _ := start(t, server.WithLogger(discardLogger()), server.WithKeepaliveEnforcement(time.Minute, true))
	r := dialRaw(t, serverAddr(t, c))
	go func() {
		for i := range 10 {
			if r.fr.WritePing(false, [8]byte{byte(i)}) != nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			t.Fatalf("closed without GOAWAY too_many_pings: %v", err)
		}
		if ga, ok := f.(*http2.GoAwayFrame); ok {
			if ga.ErrCode != http2.ErrCodeEnhanceYourCalm || string(ga.DebugData()) != "too_many_pings" {
				t.Fatalf("GOAWAY %v %q", ga.ErrCode, ga.DebugData())
			}
			break
		}
	}
	stillServes(t, c)
}

// A header list over the limit (but not so far over that it is a flood)
// is answered with resource exhausted, and the connection stays usable.
func TestHeaderListOverTheLimit(t *testing.T) {
	_, c, _ := start(t, server.WithMaxHeaderListSize(8<<10))
	r := dialRaw(t, serverAddr(t, c))
	blk := r.block("/grpc.testing.TestService/EmptyCall")
	// Twelve fields of 1 KiB: each fits, the list does not. (One field
	// longer than the whole limit is a decoding error that closes the
	// connection, as in grpc-go.)
	r.buf.Reset()
	for i := range 12 {
		r.enc.WriteField(hpack.HeaderField{Name: fmt.Sprintf("x-big-%d", i), Value: string(bytes.Repeat([]byte("v"), 1<<10))})
	}
	blk = append(blk, r.buf.Bytes()...)
	if err := r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: blk[:8<<10], EndStream: true}); err != nil {
		t.Fatal(err)
	}
	if err := r.fr.WriteContinuation(1, true, blk[8<<10:]); err != nil {
		t.Fatal(err)
	}
	r.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	dec := hpack.NewDecoder(4096, nil)
	for {
		f, err := r.fr.ReadFrame()
		if err != nil {
			t.Fatal(err)
		}
		h, ok := f.(*http2.HeadersFrame)
		if !ok || h.StreamID != 1 {
			continue
		}
		fields, err := dec.DecodeFull(h.HeaderBlockFragment())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			if f.Name == "grpc-status" {
				if f.Value != "8" {
					t.Fatalf("grpc-status %s, want 8 (resource exhausted)", f.Value)
				}
				stillServes(t, c)
				return
			}
		}
	}
}

// An idle connection is closed with GOAWAY after the idle timeout; the
// client reconnects for its next call.
func TestIdleTimeout(t *testing.T) {
	_, c, _ := start(t, server.WithIdleTimeout(100*time.Millisecond))
	r := dialRaw(t, serverAddr(t, c))
	r.cutOff(t, http2.ErrCodeNo)
	stillServes(t, c)
}
