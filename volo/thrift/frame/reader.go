package frame

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/govolo/volo/volo/thrift"
)

// Frame is one message read from a stream.
type Frame struct {
	// Framing is how the message was framed; a reply should use the same.
	Framing Framing
	// Header is the TTHeader metadata; empty for other framings.
	Header Header
	// Payload is the Thrift message, without any length prefix. It aliases
	// the Reader's buffer: it is valid until the next call to Next.
	Payload []byte
}

// A Reader reads frames from a stream, whatever their framing: each frame's
// first bytes are sniffed. Every length is checked against the limits before
// anything is allocated for it, and a frame's buffer grows only as its bytes
// arrive, so a peer that claims a large frame and stalls costs little memory.
//
// A Reader is not safe for concurrent use: one goroutine reads a connection.
type Reader struct {
	br   *bufio.Reader
	cfg  config
	buf  []byte
	scan *thrift.Scanner
	in   interner
	// spare is the map handed over by Reuse, for the next frame's
	// string keys.
	spare map[string]string
}

// retainMax is the largest buffer a Reader keeps between frames.
const retainMax = 64 << 10

// NewReader returns a Reader of r. A *bufio.Reader of at least the buffer
// size is used as it is; anything else is wrapped in one.
func NewReader(r io.Reader, opts ...Option) *Reader {
	cfg := newConfig(opts)
	br, ok := r.(*bufio.Reader)
	if !ok || br.Size() < cfg.bufferSize {
		br = bufio.NewReaderSize(r, cfg.bufferSize)
	}
	return &Reader{br: br, cfg: cfg}
}

// Buffered reports whether the whole of the next frame is in the reader's
// buffer already, so that Next reads it without reading from the stream
// (and a read deadline would bound nothing). It knows a Framed or TTHeader
// frame by its length prefix and the bytes after it, as [Sniff] does; for
// anything else, or a frame not yet all there, it reports false.
func (r *Reader) Buffered() bool {
	n := r.br.Buffered()
	if n < SniffLen {
		return false
	}
	b, err := r.br.Peek(SniffLen)
	if err != nil {
		return false
	}
	if at4 := binary.BigEndian.Uint16(b[4:]); at4 != ttheaderMagic && at4 != binaryVersion {
		return false
	}
	return 4+uint64(binary.BigEndian.Uint32(b)) <= uint64(n)
}

// Reuse hands the reader an empty map to read the string keys of the next
// TTHeader frame that has any into (Header.StrInfo), instead of making a
// new one. The caller gives m up: it must be sure that nothing else holds m
// or will use it again, since the next frame's keys go into it. A map that
// is not empty is ignored, and so is m while a map handed over before is
// still unused.
func (r *Reader) Reuse(m map[string]string) {
	if len(m) == 0 && r.spare == nil {
		r.spare = m
	}
}

// Release drops the reader's buffer if it grew past what a Reader keeps
// between frames (64 KiB), as Next does before each frame: a caller about
// to leave the stream idle calls it, so that an idle connection does not
// pin the memory of its last large frame. The last frame's Payload is not
// valid after it.
func (r *Reader) Release() {
	if cap(r.buf) > retainMax {
		r.buf = nil
	}
}

// Next reads the next frame into f. The header's strings and maps are new
// for each frame and belong to the caller, so they can be handed on (to a
// request's context) while the next frame is read; only Payload aliases the
// reader's buffer. It returns
// io.EOF if the stream ends cleanly before a frame, and an error matching
// ErrTruncated if it ends inside one. After any other error the stream is
// out of step and should be closed.
func (r *Reader) Next(f *Frame) error {
	if cap(r.buf) > retainMax {
		r.buf = nil
	}
	f.Header = Header{}
	f.Payload = nil
	head, err := r.br.Peek(SniffLen)
	if err != nil {
		if errors.Is(err, io.EOF) && len(head) == 0 {
			return io.EOF
		}
		return eofIsTruncated(err)
	}
	if f.Framing, err = Sniff(head); err != nil {
		return err
	}
	switch f.Framing {
	case Framed:
		return r.framed(f)
	case TTHeader:
		return r.ttheader(f)
	default:
		return r.buffered(f)
	}
}

func eofIsTruncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %w", ErrTruncated, io.ErrUnexpectedEOF)
	}
	return err
}

func (r *Reader) framed(f *Frame) error {
	head, _ := r.br.Peek(4)
	n := int64(int32(binary.BigEndian.Uint32(head)))
	switch {
	case n < 0:
		return malformed("negative frame length %d", n)
	case n > int64(r.cfg.maxFrame):
		return tooLarge("frame", n, int64(r.cfg.maxFrame))
	}
	if _, err := r.br.Discard(4); err != nil {
		return eofIsTruncated(err)
	}
	payload, err := r.read(int(n))
	f.Payload = payload
	return err
}

func (r *Reader) ttheader(f *Frame) error {
	head, err := r.br.Peek(fixedLen)
	if err != nil {
		return eofIsTruncated(err)
	}
	fh, err := parseFixed(head, r.cfg.maxFrame, r.cfg.maxHeader)
	if err != nil {
		return err
	}
	frame, err := r.read(int(fh.length) + 4)
	if err != nil {
		return err
	}
	f.Header.Flags, f.Header.SeqID = fh.flags, fh.seqID
	if err := parseHeader(frame[fixedLen:fixedLen+fh.headerSize], &f.Header, &r.in, &r.spare); err != nil {
		return err
	}
	if f.Header.ProtocolID != ProtocolBinary {
		return &UnsupportedError{Protocol: fmt.Sprintf("ttheader with protocol id %d", f.Header.ProtocolID)}
	}
	f.Payload = frame[fixedLen+fh.headerSize:]
	// Kitex's TTHeaderFramed: the payload is a Framed strict message.
	if p := f.Payload; len(p) >= 8 && binary.BigEndian.Uint16(p[4:]) == binaryVersion {
		if n := binary.BigEndian.Uint32(p); int64(n) != int64(len(p)-4) {
			return malformed("framed length %d inside a ttheader payload of %d bytes", n, len(p)-4)
		}
		f.Framing = TTHeaderFramed
		f.Payload = p[4:]
	}
	return nil
}

// buffered reads an unframed message: it scans what has already arrived,
// then reads exactly the bytes the scanner needs, so that it never takes
// the next message's bytes off the stream.
func (r *Reader) buffered(f *Frame) error {
	if r.scan == nil {
		r.scan = thrift.NewScanner(r.cfg.maxFrame, r.cfg.thrift...)
	}
	r.scan.Reset()
	seen, _ := r.br.Peek(r.br.Buffered())
	size, done, err := r.scan.Scan(seen)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if done {
		payload, err := r.read(size)
		f.Payload = payload
		return err
	}
	buf := append(r.buf[:0], seen...)
	if _, err := r.br.Discard(len(seen)); err != nil {
		return eofIsTruncated(err)
	}
	for !done {
		need := r.scan.Need()
		// The scanner asks for a few bytes at a time; the buffer grows
		// geometrically all the same, up to the frame limit, so reading
		// a message costs linear time and memory in its size.
		if buf, err = r.readMore(buf, need, max(need, r.cfg.maxFrame)); err != nil {
			break
		}
		size, done, err = r.scan.Scan(buf)
		if err != nil {
			err = fmt.Errorf("%w: %w", ErrMalformed, err)
			break
		}
	}
	r.buf = buf
	if err != nil {
		return err
	}
	f.Payload = buf[:size]
	return nil
}

// read reads n bytes into the reader's buffer.
func (r *Reader) read(n int) ([]byte, error) {
	buf, err := r.readMore(r.buf[:0], n, n)
	r.buf = buf
	return buf, err
}

// readMore reads into buf until it holds n bytes, never reading past n. It
// grows buf step by step as bytes arrive, doubling up to limit, not to n at
// once: a peer that announces a large frame must send it to make the
// reader hold it.
func (r *Reader) readMore(buf []byte, n, limit int) ([]byte, error) {
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(limit, max(2*cap(buf), 4096)))
			copy(grown, buf)
			buf = grown
		}
		m, err := r.br.Read(buf[len(buf):min(n, cap(buf))])
		buf = buf[:len(buf)+m]
		if err != nil && len(buf) < n {
			return buf, eofIsTruncated(err)
		}
	}
	return buf, nil
}
