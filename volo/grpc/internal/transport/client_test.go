package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// TestCanceledCallOwnsItsResponse: a caller that gives up after the
// response headers and part of its message came reads the headers and
// releases the response while the connection's reader goes on; under
// -race this fails if the reader can still write into the response.
func TestCanceledCallOwnsItsResponse(t *testing.T) {
	c, processed, end := halfAnswered(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-processed
		cancel()
	}()
	var resp Response2
	err := c.RoundTrip(ctx, &Request{Path: "/s/m", Msg: []byte{0, 0, 0, 0, 0}, MaxRecvMsg: 1 << 10}, &resp)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RoundTrip: %v, want context.Canceled", err)
	}
	if got := resp.Header["x-md"]; len(got) != 1 || got[0] != "v" {
		t.Errorf("headers of the canceled call: %v", resp.Header)
	}
	resp.Release()
	end()
}

// TestReaderLeavesACanceledResponse: frames the reader had already
// matched to a stream when its caller gave up are not written into the
// response the caller has taken back and released.
func TestReaderLeavesACanceledResponse(t *testing.T) {
	entered, resume := make(chan struct{}), make(chan struct{})
	first := true
	testHookStreamFrame = func() {
		if first {
			first = false
			close(entered)
			<-resume
		}
	}
	defer func() { testHookStreamFrame = nil }()

	c, processed, end := halfAnswered(t)

	ctx, cancel := context.WithCancel(context.Background())
	var resp Response2
	errc := make(chan error, 1)
	go func() {
		errc <- c.RoundTrip(ctx, &Request{Path: "/s/m", Msg: []byte{0, 0, 0, 0, 0}, MaxRecvMsg: 1 << 10}, &resp)
	}()
	<-entered // the reader holds the stream of the response headers
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("RoundTrip: %v, want context.Canceled", err)
	}
	close(resume)
	<-processed // the reader is past the headers and the data
	if resp.Header != nil || resp.buf != nil || resp.Headed {
		t.Errorf("the reader wrote into a response its caller gave up: header %v, buffer %v", resp.Header, resp.buf != nil)
	}
	resp.Release()
	end()
}

// halfAnswered returns a client connection to halfAnswer's server, the
// channel halfAnswer closes, and a function that closes both ends and
// fails t if the server failed.
func halfAnswered(t *testing.T) (*ClientConn, <-chan struct{}, func()) {
	cli, srv := net.Pipe()
	cfg := Config{MaxRecvMsgSize: 1 << 10, MaxHeaderListSize: 1 << 12, WriteTimeout: 5 * time.Second}.WithDefaults()
	c := NewClientConn(cli, cfg)
	processed := make(chan struct{})
	serverDone := make(chan error, 1)
	go func() { serverDone <- halfAnswer(srv, processed) }()
	return c, processed, func() {
		c.Close()
		srv.Close()
		if err := <-serverDone; err != nil {
			t.Fatal(err)
		}
	}
}

// halfAnswer is a server that answers the client's first stream with
// headers and the start of a message, then a PING; once the client has
// acknowledged the PING, its reader has handled the frames before it,
// and processed is closed. It then drains until the connection ends.
func halfAnswer(nc net.Conn, processed chan<- struct{}) error {
	preface := make([]byte, len(http2.ClientPreface))
	if _, err := io.ReadFull(nc, preface); err != nil {
		return err
	}
	fr := http2.NewFramer(nc, nc)
	if err := fr.WriteSettings(); err != nil {
		return err
	}
	var hb bytes.Buffer
	enc := hpack.NewEncoder(&hb)
	for _, f := range []hpack.HeaderField{{Name: ":status", Value: "200"}, {Name: "content-type", Value: "application/grpc"}, {Name: "x-md", Value: "v"}} {
		enc.WriteField(f)
	}
	answered := false
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			if !answered {
				return err
			}
			return nil
		}
		switch f := f.(type) {
		case *http2.HeadersFrame:
			if answered {
				continue
			}
			answered = true
			if err := fr.WriteHeaders(http2.HeadersFrameParam{StreamID: f.StreamID, BlockFragment: hb.Bytes(), EndHeaders: true}); err != nil {
				return err
			}
			// A message prefix for 100 bytes, and 3 of them.
			if err := fr.WriteData(f.StreamID, false, []byte{0, 0, 0, 0, 100, 1, 2, 3}); err != nil {
				return err
			}
			if err := fr.WritePing(false, [8]byte{7}); err != nil {
				return err
			}
		case *http2.PingFrame:
			if f.IsAck() && f.Data == [8]byte{7} {
				close(processed)
			}
		}
	}
}
