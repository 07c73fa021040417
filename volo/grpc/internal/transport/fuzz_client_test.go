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

// serverFrames builds a seed: what a server answers to streams 1 and 3,
// headers, a message, trailers.
func serverFrames() []byte {
	var out bytes.Buffer
	fr := http2.NewFramer(&out, nil)
	fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 10})
	fr.WriteSettingsAck()
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	enc.WriteField(hpack.HeaderField{Name: ":status", Value: "200"})
	enc.WriteField(hpack.HeaderField{Name: "content-type", Value: "application/grpc"})
	enc.WriteField(hpack.HeaderField{Name: "x-h-bin", Value: "AAE"})
	for _, id := range []uint32{1, 3} {
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: append([]byte(nil), hb.Bytes()...), EndHeaders: true})
		hb.Reset()
		fr.WriteData(id, false, []byte{0, 0, 0, 0, 2, 8, 1})
		enc.WriteField(hpack.HeaderField{Name: "grpc-status", Value: "0"})
		enc.WriteField(hpack.HeaderField{Name: "grpc-message", Value: "ok%20"})
		fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: append([]byte(nil), hb.Bytes()...), EndHeaders: true, EndStream: true})
		hb.Reset()
	}
	fr.WritePing(false, [8]byte{1})
	fr.WriteGoAway(3, http2.ErrCodeNo, []byte("bye"))
	return out.Bytes()
}

// FuzzClientConn feeds a client connection arbitrary server bytes while a
// unary call and a stream wait on it: nothing may panic, and both calls
// and the connection's goroutines end once the server goes away.
func FuzzClientConn(f *testing.F) {
	f.Add(serverFrames())
	f.Add([]byte{0, 0, 0, 4, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		cli, srv := net.Pipe()
		cfg := Config{MaxRecvMsgSize: 1 << 10, MaxHeaderListSize: 1 << 10, WriteTimeout: time.Second}.WithDefaults()
		c := NewClientConn(cli, cfg)
		go func() {
			// The client's preface and frames, read and dropped; then the
			// fuzzed answer, and the server is gone.
			go io.Copy(io.Discard, srv)
			srv.SetWriteDeadline(time.Now().Add(time.Second))
			srv.Write(in)
			srv.Close()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		done := make(chan struct{})
		go func() {
			defer close(done)
			var resp Response2
			c.RoundTrip(ctx, &Request{Path: "/s/m", Msg: []byte{0, 0, 0, 0, 0}, MaxRecvMsg: 1 << 10}, &resp)
			resp.Message()
			resp.Release()
		}()
		if st, err := c.OpenStream(ctx, &Request{Path: "/s/stream", MaxRecvMsg: 1 << 10}); err == nil {
			st.Send(ctx, []byte{0, 0, 0, 0, 0}, true)
			for {
				if _, _, err := st.Recv(ctx); err != nil {
					break
				}
			}
			st.Cancel()
		}
		<-done
		c.Close()
	})
}
