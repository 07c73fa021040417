package harness

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// GRPCIdleConn opens one HTTP/2 connection to a grpc-go server, makes one
// unary echo call of size bytes on it by hand (so that the client side
// costs a socket, not a ClientConn with its goroutines), and leaves it
// open. The returned function closes it.
func GRPCIdleConn(addr string, size int) (func(), error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (func(), error) {
		c.Close()
		return nil, err
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := c.Write([]byte(http2.ClientPreface)); err != nil {
		return fail(err)
	}
	fr := http2.NewFramer(c, c)
	if err := fr.WriteSettings(); err != nil {
		return fail(err)
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range [][2]string{
		{":method", "POST"}, {":scheme", "http"}, {":path", GRPCMethod}, {":authority", addr},
		{"content-type", "application/grpc"}, {"te", "trailers"},
	} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: 1, BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
		return fail(err)
	}
	msg := make([]byte, 5+size)
	binary.BigEndian.PutUint32(msg[1:], uint32(size))
	if err := fr.WriteData(1, true, msg); err != nil {
		return fail(err)
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return fail(err)
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				if err := fr.WriteSettingsAck(); err != nil {
					return fail(err)
				}
			}
		case *http2.PingFrame:
			if !f.IsAck() {
				fr.WritePing(true, f.Data)
			}
		case *http2.GoAwayFrame:
			return fail(fmt.Errorf("harness: grpc server sent GOAWAY %v", f.ErrCode))
		case *http2.RSTStreamFrame:
			return fail(fmt.Errorf("harness: grpc server reset the call: %v", f.ErrCode))
		case *http2.HeadersFrame:
			if f.StreamEnded() { // the trailers: the call is done
				c.SetDeadline(time.Time{})
				return func() { c.Close() }, nil
			}
		}
	}
}
