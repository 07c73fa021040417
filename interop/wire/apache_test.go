package wire_test

import (
	"bytes"
	"context"
	"math"
	"testing"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest"
)

var ctx = context.Background()

// apacheStack is an Apache client or server's view of a byte buffer:
// TBinaryProtocol, over TFramedTransport when framed.
type apacheStack struct {
	mem   *athrift.TMemoryBuffer
	trans athrift.TTransport
	proto *athrift.TBinaryProtocol
}

func newApache(framed bool, b []byte) *apacheStack {
	mem := athrift.NewTMemoryBuffer()
	mem.Buffer.Write(b)
	var trans athrift.TTransport = mem
	if framed {
		trans = athrift.NewTFramedTransportConf(mem, &athrift.TConfiguration{})
	}
	return &apacheStack{mem: mem, trans: trans, proto: athrift.NewTBinaryProtocolConf(trans, &athrift.TConfiguration{})}
}

func (s *apacheStack) writeEcho(t *testing.T, typ athrift.TMessageType, seq int32, msg string) []byte {
	t.Helper()
	p := s.proto
	require.NoError(t, p.WriteMessageBegin(ctx, echo.EchoEchoMethod.Name, typ, seq))
	require.NoError(t, p.WriteStructBegin(ctx, "echo_args"))
	require.NoError(t, p.WriteFieldBegin(ctx, "msg", athrift.STRING, 1))
	require.NoError(t, p.WriteString(ctx, msg))
	require.NoError(t, p.WriteFieldEnd(ctx))
	require.NoError(t, p.WriteFieldStop(ctx))
	require.NoError(t, p.WriteStructEnd(ctx))
	require.NoError(t, p.WriteMessageEnd(ctx))
	require.NoError(t, p.Flush(ctx))
	return s.mem.Bytes()
}

// readEchoResult reads an echo reply as Apache's generated client would.
func (s *apacheStack) readEchoResult(t *testing.T) (athrift.TMessageType, int32, *string, error) {
	t.Helper()
	p := s.proto
	name, typ, seq, err := p.ReadMessageBegin(ctx)
	require.NoError(t, err)
	assert.Equal(t, echo.EchoEchoMethod.Name, name)
	if typ == athrift.EXCEPTION {
		ae := athrift.NewTApplicationException(0, "")
		require.NoError(t, ae.Read(ctx, p))
		require.NoError(t, p.ReadMessageEnd(ctx))
		return typ, seq, nil, ae
	}
	_, err = p.ReadStructBegin(ctx)
	require.NoError(t, err)
	var success *string
	for {
		_, ft, id, err := p.ReadFieldBegin(ctx)
		require.NoError(t, err)
		if ft == athrift.STOP {
			break
		}
		if id == 0 && ft == athrift.STRING {
			v, err := p.ReadString(ctx)
			require.NoError(t, err)
			success = &v
		} else {
			require.NoError(t, p.Skip(ctx, ft))
		}
		require.NoError(t, p.ReadFieldEnd(ctx))
	}
	require.NoError(t, p.ReadStructEnd(ctx))
	require.NoError(t, p.ReadMessageEnd(ctx))
	return typ, seq, success, nil
}

func TestApacheClientToVolo(t *testing.T) {
	for _, framed := range []bool{true, false} {
		b := newApache(framed, nil).writeEcho(t, athrift.CALL, 11, "from apache")
		var fr frame.Frame
		require.NoError(t, frame.NewReader(bytes.NewReader(b)).Next(&fr))
		if framed {
			assert.Equal(t, frame.Framed, fr.Framing)
		} else {
			assert.Equal(t, frame.Buffered, fr.Framing)
		}
		var args echo.EchoEchoArgs
		name, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(fr.Payload), &args)
		require.NoError(t, err)
		assert.Equal(t, echo.EchoEchoMethod.Name, name)
		assert.Equal(t, thrift.MessageCall, typ)
		assert.Equal(t, int32(11), seq)
		assert.Equal(t, "from apache", args.Msg)
	}
}

// Apache with strictWrite off writes old-style message headers.
func TestApacheOldHeaderToVolo(t *testing.T) {
	mem := athrift.NewTMemoryBuffer()
	strict := false
	p := athrift.NewTBinaryProtocolConf(mem, &athrift.TConfiguration{TBinaryStrictWrite: &strict})
	s := &apacheStack{mem: mem, trans: mem, proto: p}
	b := s.writeEcho(t, athrift.ONEWAY, 3, "old")
	var args echo.EchoEchoArgs
	name, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(b), &args)
	require.NoError(t, err)
	assert.Equal(t, []any{echo.EchoEchoMethod.Name, thrift.MessageOneway, int32(3), "old"}, []any{name, typ, seq, args.Msg})
}

func TestVoloReplyToApacheClient(t *testing.T) {
	for _, f := range []frame.Framing{frame.Framed, frame.Buffered} {
		ok := "echoed"
		b, err := frame.AppendMessage(nil, f, nil, echo.EchoEchoMethod.Name, thrift.MessageReply, 12, &echo.EchoEchoResult{Success: &ok})
		require.NoError(t, err)
		typ, seq, success, err := newApache(f == frame.Framed, b).readEchoResult(t)
		require.NoError(t, err)
		assert.Equal(t, athrift.REPLY, typ)
		assert.Equal(t, int32(12), seq)
		require.NotNil(t, success)
		assert.Equal(t, "echoed", *success)
	}
}

func TestApplicationExceptionWithApache(t *testing.T) {
	for _, f := range []frame.Framing{frame.Framed, frame.Buffered} {
		// volo server -> Apache client.
		ae := thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "no method echo2")
		b, err := frame.AppendMessage(nil, f, nil, echo.EchoEchoMethod.Name, thrift.MessageException, 5, ae)
		require.NoError(t, err)
		typ, seq, _, err := newApache(f == frame.Framed, b).readEchoResult(t)
		assert.Equal(t, athrift.EXCEPTION, typ)
		assert.Equal(t, int32(5), seq)
		var tae athrift.TApplicationException
		require.ErrorAs(t, err, &tae)
		assert.Equal(t, int32(athrift.UNKNOWN_METHOD), tae.TypeId())
		assert.Equal(t, "no method echo2", tae.Error())

		// The code volo adds as field 3 is skipped by Apache.
		coded := thrift.ExceptionFor(volo.Errorf(volo.CodeResourceExhausted, "slow down"))
		b, err = frame.AppendMessage(nil, f, nil, echo.EchoEchoMethod.Name, thrift.MessageException, 7, coded)
		require.NoError(t, err)
		typ, seq, _, err = newApache(f == frame.Framed, b).readEchoResult(t)
		assert.Equal(t, athrift.EXCEPTION, typ)
		assert.Equal(t, int32(7), seq)
		require.ErrorAs(t, err, &tae)
		assert.Equal(t, int32(athrift.INTERNAL_ERROR), tae.TypeId())
		assert.Equal(t, "slow down", tae.Error())

		// So is the not_run flag volo adds as field 4 to a shutdown's refusal.
		notRun := &thrift.ApplicationException{Message: "not run", Type: thrift.ExceptionInternalError, Code: volo.CodeUnavailable, NotRun: true}
		b, err = frame.AppendMessage(nil, f, nil, echo.EchoEchoMethod.Name, thrift.MessageException, 8, notRun)
		require.NoError(t, err)
		typ, seq, _, err = newApache(f == frame.Framed, b).readEchoResult(t)
		assert.Equal(t, athrift.EXCEPTION, typ)
		assert.Equal(t, int32(8), seq)
		require.ErrorAs(t, err, &tae)
		assert.Equal(t, int32(athrift.INTERNAL_ERROR), tae.TypeId())
		assert.Equal(t, "not run", tae.Error())

		// Apache server -> volo client.
		s := newApache(f == frame.Framed, nil)
		require.NoError(t, s.proto.WriteMessageBegin(ctx, echo.EchoEchoMethod.Name, athrift.EXCEPTION, 6))
		require.NoError(t, athrift.NewTApplicationException(athrift.INTERNAL_ERROR, "boom").Write(ctx, s.proto))
		require.NoError(t, s.proto.WriteMessageEnd(ctx))
		require.NoError(t, s.proto.Flush(ctx))
		var fr frame.Frame
		require.NoError(t, frame.NewReader(bytes.NewReader(s.mem.Bytes())).Next(&fr))
		assert.Equal(t, f, fr.Framing)
		var res echo.EchoEchoResult
		_, mtyp, mseq, err := thrift.DecodeMessage(thrift.NewDecoder(fr.Payload), &res)
		assert.Equal(t, thrift.MessageException, mtyp)
		assert.Equal(t, int32(6), mseq)
		var got *thrift.ApplicationException
		require.ErrorAs(t, err, &got)
		assert.Equal(t, thrift.ApplicationException{Type: thrift.ExceptionInternalError, Message: "boom"}, *got)
	}
}

func sampleValue() *thrifttest.Sample {
	return &thrifttest.Sample{
		Flag: true, Small: -8, Short: -16, Int: math.MaxInt32, Long: math.MinInt64, Real: -math.Pi,
		Text: "héllo", Blob: []byte{0, 0xff}, ID: thrift.UUID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		Names: []string{"a", ""}, IDs: []int32{7}, Groups: map[string][]int64{"g": {1, -1}},
		Child: &thrifttest.Sample{Text: "child", Blob: []byte{}, Names: []string{}, IDs: []int32{}, Groups: map[string][]int64{}},
	}
}

// writeSample writes s with Apache's protocol calls, as its generated code
// would, field for field.
func writeSample(t *testing.T, p athrift.TProtocol, s *thrifttest.Sample) {
	field := func(typ athrift.TType, id int16, write func() error) {
		require.NoError(t, p.WriteFieldBegin(ctx, "", typ, id))
		require.NoError(t, write())
		require.NoError(t, p.WriteFieldEnd(ctx))
	}
	require.NoError(t, p.WriteStructBegin(ctx, "Sample"))
	field(athrift.BOOL, 1, func() error { return p.WriteBool(ctx, s.Flag) })
	field(athrift.BYTE, 2, func() error { return p.WriteByte(ctx, s.Small) })
	field(athrift.I16, 3, func() error { return p.WriteI16(ctx, s.Short) })
	field(athrift.I32, 4, func() error { return p.WriteI32(ctx, s.Int) })
	field(athrift.I64, 5, func() error { return p.WriteI64(ctx, s.Long) })
	field(athrift.DOUBLE, 6, func() error { return p.WriteDouble(ctx, s.Real) })
	field(athrift.STRING, 7, func() error { return p.WriteString(ctx, s.Text) })
	field(athrift.STRING, 8, func() error { return p.WriteBinary(ctx, s.Blob) })
	field(athrift.UUID, 9, func() error { return p.WriteUUID(ctx, athrift.Tuuid(s.ID)) })
	field(athrift.LIST, 10, func() error {
		require.NoError(t, p.WriteListBegin(ctx, athrift.STRING, len(s.Names)))
		for _, v := range s.Names {
			require.NoError(t, p.WriteString(ctx, v))
		}
		return p.WriteListEnd(ctx)
	})
	field(athrift.SET, 11, func() error {
		require.NoError(t, p.WriteSetBegin(ctx, athrift.I32, len(s.IDs)))
		for _, v := range s.IDs {
			require.NoError(t, p.WriteI32(ctx, v))
		}
		return p.WriteSetEnd(ctx)
	})
	field(athrift.MAP, 12, func() error {
		require.NoError(t, p.WriteMapBegin(ctx, athrift.STRING, athrift.LIST, len(s.Groups)))
		for k, vs := range s.Groups {
			require.NoError(t, p.WriteString(ctx, k))
			require.NoError(t, p.WriteListBegin(ctx, athrift.I64, len(vs)))
			for _, v := range vs {
				require.NoError(t, p.WriteI64(ctx, v))
			}
			require.NoError(t, p.WriteListEnd(ctx))
		}
		return p.WriteMapEnd(ctx)
	})
	if s.Child != nil {
		field(athrift.STRUCT, 13, func() error { writeSample(t, p, s.Child); return nil })
	}
	require.NoError(t, p.WriteFieldStop(ctx))
	require.NoError(t, p.WriteStructEnd(ctx))
}

// Every field type, nested containers and a nested struct, both ways.
func TestEveryTypeWithApache(t *testing.T) {
	in := sampleValue()

	s := newApache(true, nil)
	require.NoError(t, s.proto.WriteMessageBegin(ctx, "sample", athrift.REPLY, 1))
	writeSample(t, s.proto, in)
	require.NoError(t, s.proto.WriteMessageEnd(ctx))
	require.NoError(t, s.proto.Flush(ctx))
	apacheBytes := s.mem.Bytes()

	var fr frame.Frame
	require.NoError(t, frame.NewReader(bytes.NewReader(apacheBytes)).Next(&fr))
	var out thrifttest.Sample
	_, _, _, err := thrift.DecodeMessage(thrift.NewDecoder(fr.Payload), &out)
	require.NoError(t, err)
	assert.Equal(t, in, &out)

	// Our encoding is byte for byte Apache's (one map entry, so no order).
	ours, err := frame.AppendMessage(nil, frame.Framed, nil, "sample", thrift.MessageReply, 1, in)
	require.NoError(t, err)
	assert.Equal(t, apacheBytes, ours)

	// And Apache's generic reader walks all of it.
	a := newApache(true, ours)
	_, _, _, err = a.proto.ReadMessageBegin(ctx)
	require.NoError(t, err)
	require.NoError(t, a.proto.Skip(ctx, athrift.STRUCT))
	require.NoError(t, a.proto.ReadMessageEnd(ctx))
	assert.Zero(t, a.mem.Len(), "Apache consumed the whole frame")
}
