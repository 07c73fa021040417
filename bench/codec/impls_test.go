package codec_test

import (
	"context"
	"slices"

	athrift "github.com/apache/thrift/lib/go/thrift"
	gthrift "github.com/cloudwego/gopkg/protocol/thrift"

	"github.com/govolo/volo/bench/codec/internal/apachegen/message"
	"github.com/govolo/volo/bench/codec/internal/apachegen/thrifttest"
	"github.com/govolo/volo/bench/codec/internal/fastgo"
	vmessage "github.com/govolo/volo/bench/codec/internal/vologen/message"
	vthrifttest "github.com/govolo/volo/bench/codec/internal/vologen/thrifttest"
	"github.com/govolo/volo/bench/codec/internal/volohand"
	"github.com/govolo/volo/volo/thrift"
)

// impls are the contenders. Each gives, for every benchmarked IDL struct, a
// constructor of a codec over its own type for it: Apache's generated
// code, gopkg's FastCodec written as thriftgo's fastgo writes it, volo's
// generated code, and volo's runtime driven by hand-written structs.
var impls = []impl{
	{
		name:     "apache",
		xtruct:   newApache[thrifttest.Xtruct],
		insanity: newApache[thrifttest.Insanity],
		message:  newApache[message.Message],
	},
	{
		name:            "fastgo",
		xtruct:          newFastgo[fastgo.Xtruct],
		insanity:        newFastgo[fastgo.Insanity],
		message:         newFastgo[fastgo.Message],
		allocFreeEncode: true,
	},
	{
		name:            "volo",
		xtruct:          newVolo[vthrifttest.Xtruct],
		insanity:        newVolo[vthrifttest.Insanity],
		message:         newVolo[vmessage.Message],
		allocFreeEncode: true,
	},
	{
		name:            "volo-hand",
		xtruct:          newVolo[volohand.Xtruct],
		insanity:        newVolo[volohand.Insanity],
		message:         newVolo[volohand.Message],
		allocFreeEncode: true,
	},
}

// An impl is one implementation of the benchmarked IDL structs.
type impl struct {
	name                      string
	xtruct, insanity, message func() codec
	// allocFreeEncode makes TestEncodeAllocs require that encoding does
	// not allocate.
	allocFreeEncode bool
}

// A codec holds one value of one implementation's type for one IDL struct
// and drives that implementation the way it is meant to be driven.
type codec interface {
	// decode decodes b into a new value, as a server decodes each request,
	// and makes it the codec's value.
	decode(b []byte) error
	// decodeReused decodes b into the codec's value, allocating it only the
	// first time.
	decodeReused(b []byte) error
	// encode encodes the codec's value into a buffer the codec reuses; the
	// bytes are valid until the next call.
	encode() ([]byte, error)
}

var ctx = context.Background()

type apacheStruct[T any] interface {
	*T
	athrift.TStruct
}

// apacheCodec drives Apache's generated Read and Write methods through one
// TBinaryProtocol over one TMemoryBuffer, both made once: the fastest way to
// run generated code, with no transport behind it and no per-call setup.
// Decoding copies the input into the memory buffer first, as a transport
// fills its buffer from the network; for the 1 KiB message that copy is a
// small part of the time.
type apacheCodec[T any, P apacheStruct[T]] struct {
	mem  *athrift.TMemoryBuffer
	prot *athrift.TBinaryProtocol
	v    P
}

func newApache[T any, P apacheStruct[T]]() codec {
	mem := athrift.NewTMemoryBufferLen(4096)
	return &apacheCodec[T, P]{mem: mem, prot: athrift.NewTBinaryProtocolConf(mem, &athrift.TConfiguration{})}
}

func (c *apacheCodec[T, P]) decode(b []byte) error {
	c.v = P(new(T))
	return c.read(b)
}

func (c *apacheCodec[T, P]) decodeReused(b []byte) error {
	if c.v == nil {
		c.v = P(new(T))
	}
	return c.read(b)
}

func (c *apacheCodec[T, P]) read(b []byte) error {
	c.mem.Reset()
	_, _ = c.mem.Write(b)
	return c.v.Read(ctx, c.prot)
}

func (c *apacheCodec[T, P]) encode() ([]byte, error) {
	c.mem.Reset()
	err := c.v.Write(ctx, c.prot)
	return c.mem.Bytes(), err
}

type fastgoStruct[T any] interface {
	*T
	gthrift.FastCodec
}

// fastgoCodec drives gopkg's FastCodec as Kitex does: BLength sizes the
// buffer, FastWriteNocopy fills it, FastRead decodes straight from the
// input. No NocopyWriter is passed: fastgo's code does not use one.
type fastgoCodec[T any, P fastgoStruct[T]] struct {
	buf []byte
	v   P
}

func newFastgo[T any, P fastgoStruct[T]]() codec { return &fastgoCodec[T, P]{} }

func (c *fastgoCodec[T, P]) decode(b []byte) error {
	c.v = P(new(T))
	_, err := c.v.FastRead(b)
	return err
}

func (c *fastgoCodec[T, P]) decodeReused(b []byte) error {
	if c.v == nil {
		c.v = P(new(T))
	}
	_, err := c.v.FastRead(b)
	return err
}

func (c *fastgoCodec[T, P]) encode() ([]byte, error) {
	n := c.v.BLength()
	if cap(c.buf) < n {
		c.buf = make([]byte, n)
	}
	c.buf = c.buf[:n]
	return c.buf[:c.v.FastWriteNocopy(c.buf, nil)], nil
}

type voloStruct[T any] interface {
	*T
	thrift.Struct
}

// voloCodec drives volo's thrift.Struct as volo's framing does: ThriftSize
// grows the buffer once, AppendThrift fills it, and DecodeThrift reads
// through one Decoder, reset for each input as a connection's is.
type voloCodec[T any, P voloStruct[T]] struct {
	d   *thrift.Decoder
	buf []byte
	v   P
}

func newVolo[T any, P voloStruct[T]]() codec { return &voloCodec[T, P]{d: thrift.NewDecoder(nil)} }

func (c *voloCodec[T, P]) decode(b []byte) error {
	c.v = P(new(T))
	c.d.Reset(b)
	return c.v.DecodeThrift(c.d)
}

func (c *voloCodec[T, P]) decodeReused(b []byte) error {
	if c.v == nil {
		c.v = P(new(T))
	}
	c.d.Reset(b)
	return c.v.DecodeThrift(c.d)
}

func (c *voloCodec[T, P]) encode() ([]byte, error) {
	c.buf = slices.Grow(c.buf[:0], c.v.ThriftSize())
	c.buf = c.v.AppendThrift(c.buf)
	return c.buf, nil
}
