// Package codec frames gRPC messages: protobuf marshaling into pooled
// buffers, the 5-byte prefix, gzip, and the bounds on each.
package codec

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"google.golang.org/protobuf/proto"
)

// Encodings.
const (
	Identity = "identity"
	Gzip     = "gzip"
)

// Supported reports whether enc is an encoding this side reads and writes.
func Supported(enc string) bool { return enc == "" || enc == Identity || enc == Gzip }

// Errors; the callers wrap them into the grpc package's.
var (
	ErrTooLarge    = errors.New("message over the size limit")
	ErrCompression = errors.New("compression")
	ErrMalformed   = errors.New("malformed message")
)

// Buffer is a pooled byte slice.
type Buffer struct{ B []byte }

var bufPool = sync.Pool{New: func() any { return &Buffer{B: make([]byte, 0, 4096)} }}

// maxPooled is the largest buffer kept in the pool.
const maxPooled = 64 << 10

// GetBuffer returns an empty buffer from the pool.
func GetBuffer() *Buffer { return bufPool.Get().(*Buffer) }

// Free returns b to the pool; b must not be used after.
func (b *Buffer) Free() {
	if b == nil || cap(b.B) > maxPooled {
		return
	}
	b.B = b.B[:0]
	bufPool.Put(b)
}

var marshal = proto.MarshalOptions{}

// AppendMessage appends m as one length-prefixed gRPC message to b,
// gzip-compressed if enc is Gzip. It fails with ErrTooLarge when the
// message (as sent) is over max.
func AppendMessage(b []byte, m proto.Message, enc string, max int) ([]byte, error) {
	start := len(b)
	b = append(b, 0, 0, 0, 0, 0)
	var err error
	if m != nil {
		if b, err = marshal.MarshalAppend(b, m); err != nil {
			return b[:start], fmt.Errorf("cannot marshal %T: %w", m, err)
		}
	}
	if enc == Gzip {
		plain := GetBuffer()
		plain.B = append(plain.B[:0], b[start+5:]...)
		b = b[:start+5]
		b, err = gzipAppend(b, plain.B)
		plain.Free()
		if err != nil {
			return b[:start], err
		}
		b[start] = 1
	}
	n := len(b) - start - 5
	if n > max || uint64(n) > 1<<32-1 {
		return b[:start], fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, n, max)
	}
	binary.BigEndian.PutUint32(b[start+1:], uint32(n))
	return b, nil
}

// Unmarshal decodes msg, one message without its prefix, into m:
// decompressed with enc when compressed is set, bounded by max after
// decompression.
func Unmarshal(msg []byte, compressed bool, enc string, max int, m proto.Message) error {
	if compressed {
		if enc != Gzip {
			return fmt.Errorf("%w: compressed message with encoding %q", ErrCompression, enc)
		}
		plain := GetBuffer()
		defer plain.Free()
		var err error
		if plain.B, err = gunzip(plain.B[:0], msg, max); err != nil {
			return err
		}
		msg = plain.B
	}
	if len(msg) > max {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(msg), max)
	}
	if err := proto.Unmarshal(msg, m); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(nil) }}

type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

func gzipAppend(b, plain []byte) ([]byte, error) {
	aw := &appendWriter{b: b}
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(aw)
	_, err := zw.Write(plain)
	if err == nil {
		err = zw.Close()
	}
	zw.Reset(nil)
	gzipWriters.Put(zw)
	if err != nil {
		return b, fmt.Errorf("%w: %w", ErrCompression, err)
	}
	return aw.b, nil
}

var gzipReaders sync.Pool

func gunzip(dst, src []byte, max int) ([]byte, error) {
	br := bytes.NewReader(src)
	var zr *gzip.Reader
	if v := gzipReaders.Get(); v != nil {
		zr = v.(*gzip.Reader)
		if err := zr.Reset(br); err != nil {
			gzipReaders.Put(zr)
			return dst, fmt.Errorf("%w: %w", ErrCompression, err)
		}
	} else {
		var err error
		if zr, err = gzip.NewReader(br); err != nil {
			return dst, fmt.Errorf("%w: %w", ErrCompression, err)
		}
	}
	defer gzipReaders.Put(zr)
	w := &appendWriter{b: dst}
	n, err := io.Copy(w, io.LimitReader(zr, int64(max)+1))
	if err != nil {
		return dst, fmt.Errorf("%w: %w", ErrCompression, err)
	}
	if n > int64(max) {
		return dst, fmt.Errorf("%w: more than %d bytes after decompression", ErrTooLarge, max)
	}
	return w.b, nil
}
