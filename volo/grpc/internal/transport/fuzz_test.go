package transport

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// frames builds a seed: settings, a request's HEADERS (split across a
// CONTINUATION) and DATA carrying one gRPC message.
func frames(streaming bool) []byte {
	var out bytes.Buffer
	fr := http2.NewFramer(&out, nil)
	fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 20})
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	path := "/s/unary"
	if streaming {
		path = "/s/stream"
	}
	for _, f := range []hpack.HeaderField{
		{Name: ":method", Value: "POST"}, {Name: ":scheme", Value: "http"}, {Name: ":path", Value: path},
		{Name: ":authority", Value: "x"}, {Name: "content-type", Value: "application/grpc"},
		{Name: "grpc-timeout", Value: "1S"}, {Name: "x-md-bin", Value: "AAEC"}, {Name: "rpc-persist-k", Value: "v"},
	} {
		enc.WriteField(f)
	}
	blk := hb.Bytes()
	fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: blk[:4]})
	fr.WriteContinuation(1, true, blk[4:])
	fr.WriteData(1, false, []byte{0, 0, 0, 0, 3, 1, 2})
	fr.WriteData(1, true, []byte{3})
	fr.WritePing(false, [8]byte{})
	fr.WriteWindowUpdate(0, 1000)
	fr.WriteRSTStream(3, http2.ErrCodeCancel)
	fr.WriteGoAway(0, http2.ErrCodeNo, nil)
	return out.Bytes()
}

// FuzzServerConn feeds a server connection arbitrary bytes after the
// preface: whatever they are, it must not panic, must answer within its
// limits and must end all its goroutines once the peer goes away.
func FuzzServerConn(f *testing.F) {
	f.Add(frames(false))
	f.Add(frames(true))
	f.Add([]byte{0, 0, 0, 4, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		cli, srv := net.Pipe()
		go io.Copy(io.Discard, cli)
		cfg := Config{MaxRecvMsgSize: 1 << 10, MaxHeaderListSize: 1 << 10, WriteTimeout: time.Second}.WithDefaults()
		c := NewServerConn(context.Background(), srv, cfg, func(s *ServerStream) {
			if s.Streaming() {
				for {
					if _, _, err := s.Recv(s.Context()); err != nil {
						break
					}
				}
				s.Finish(&Response{})
				return
			}
			s.Message()
			s.Respond(&Response{Msg: []byte{0, 0, 0, 0, 0}})
		}, func(path string) bool { return path == "/s/stream" }, nil)
		cli.SetWriteDeadline(time.Now().Add(time.Second))
		cli.Write(in)
		cli.Close()
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("the connection outlived its peer")
		}
		c.Wait()
	})
}
