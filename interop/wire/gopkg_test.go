package wire_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	gthrift "github.com/cloudwego/gopkg/protocol/thrift"
	"github.com/cloudwego/gopkg/protocol/ttheader"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

var strInfo = map[string]string{
	frame.KeyIDLServiceName:   "Echo",
	"RPC_PERSIST_tenant":      "acme",
	"RPC_TRANSIT_request-tag": "blue",
	"RPC_BACKWARD_cost":       "3",
	"plain":                   "",
}

// gopkgEchoArgs decodes EchoArgs with gopkg's binary codec, as Kitex's
// generated FastRead would.
func gopkgEchoArgs(t *testing.T, b []byte) (name string, typ int32, seq int32, msg string) {
	t.Helper()
	name, typ, seq, l, err := gthrift.Binary.ReadMessageBegin(b)
	require.NoError(t, err)
	b = b[l:]
	for {
		ft, id, l, err := gthrift.Binary.ReadFieldBegin(b)
		require.NoError(t, err)
		b = b[l:]
		if ft == gthrift.STOP {
			break
		}
		if id == 1 && ft == gthrift.STRING {
			msg, l, err = gthrift.Binary.ReadString(b)
		} else {
			l, err = gthrift.Binary.Skip(b, ft)
		}
		require.NoError(t, err)
		b = b[l:]
	}
	assert.Empty(t, b, "bytes after the message")
	return name, typ, seq, msg
}

// gopkgEchoMessage encodes an echo call with gopkg's binary codec.
func gopkgEchoMessage(msg string, seq int32) []byte {
	b := gthrift.Binary.AppendMessageBegin(nil, echo.EchoEchoMethod.Name, gthrift.CALL, seq)
	b = gthrift.Binary.AppendFieldBegin(b, gthrift.STRING, 1)
	b = gthrift.Binary.AppendString(b, msg)
	return gthrift.Binary.AppendFieldStop(b)
}

func TestTTHeaderToGopkg(t *testing.T) {
	for _, f := range []frame.Framing{frame.TTHeader, frame.TTHeaderFramed} {
		h := &frame.Header{
			SeqID: 42, Flags: frame.FlagOutOfOrder,
			FromService: "caller", ToService: "echo.svc", ToMethod: "echo",
			RPCTimeout: 1500 * time.Millisecond, MsgType: thrift.MessageCall,
			IntInfo:  map[uint16]string{ttheader.LogID: "log-1"},
			StrInfo:  strInfo,
			ACLToken: "secret",
		}
		b, err := frame.AppendMessage(nil, f, h, echo.EchoEchoMethod.Name, thrift.MessageCall, 42, &echo.EchoEchoArgs{Msg: "hello kitex"})
		require.NoError(t, err)

		p, err := ttheader.DecodeFromBytes(context.Background(), b)
		require.NoError(t, err, f)
		assert.Equal(t, int32(42), p.SeqID)
		assert.Equal(t, ttheader.HeaderFlagSupportOutOfOrder, p.Flags)
		assert.Equal(t, ttheader.ProtocolIDThriftBinary, p.ProtocolID)
		assert.Equal(t, map[uint16]string{
			ttheader.FromService: "caller", ttheader.ToService: "echo.svc", ttheader.ToMethod: "echo",
			ttheader.RPCTimeout: "1500", ttheader.MsgType: "1", ttheader.LogID: "log-1",
		}, p.IntInfo)
		want := map[string]string{ttheader.GDPRToken: "secret"}
		for k, v := range strInfo {
			want[k] = v
		}
		assert.Equal(t, want, p.StrInfo)
		assert.Equal(t, len(b), p.HeaderLen+p.PayloadLen)

		payload := b[p.HeaderLen:]
		if f == frame.TTHeaderFramed {
			require.Equal(t, uint32(len(payload)-4), binary.BigEndian.Uint32(payload))
			payload = payload[4:]
		}
		name, typ, seq, msg := gopkgEchoArgs(t, payload)
		assert.Equal(t, echo.EchoEchoMethod.Name, name)
		assert.Equal(t, gthrift.CALL, typ)
		assert.Equal(t, int32(42), seq)
		assert.Equal(t, "hello kitex", msg)
	}
}

func TestGopkgToTTHeader(t *testing.T) {
	for _, framed := range []bool{false, true} {
		gstr := map[string]string{ttheader.GDPRToken: "secret"}
		for k, v := range strInfo {
			gstr[k] = v
		}
		hdr, err := ttheader.EncodeToBytes(context.Background(), ttheader.EncodeParam{
			Flags: ttheader.HeaderFlagSupportOutOfOrder, SeqID: 7, ProtocolID: ttheader.ProtocolIDThriftBinary,
			IntInfo: map[uint16]string{
				ttheader.FromService: "caller", ttheader.ToService: "echo.svc", ttheader.ToMethod: "echo",
				ttheader.RPCTimeout: "250", ttheader.MsgType: "1", ttheader.LogID: "log-1",
			},
			StrInfo: gstr,
		})
		require.NoError(t, err)
		payload := gopkgEchoMessage("hello volo", 7)
		if framed {
			payload = append(binary.BigEndian.AppendUint32(nil, uint32(len(payload))), payload...)
		}
		b := append(hdr, payload...)
		binary.BigEndian.PutUint32(b, uint32(len(b)-4))

		var fr frame.Frame
		require.NoError(t, frame.NewReader(bytes.NewReader(b)).Next(&fr))
		if framed {
			assert.Equal(t, frame.TTHeaderFramed, fr.Framing)
		} else {
			assert.Equal(t, frame.TTHeader, fr.Framing)
		}
		assert.Equal(t, frame.Header{
			Flags: frame.FlagOutOfOrder, SeqID: 7, ProtocolID: frame.ProtocolBinary,
			FromService: "caller", ToService: "echo.svc", ToMethod: "echo",
			RPCTimeout: 250 * time.Millisecond, MsgType: thrift.MessageCall,
			IntInfo:  map[uint16]string{ttheader.LogID: "log-1"},
			StrInfo:  strInfo,
			ACLToken: "secret",
		}, fr.Header)

		var args echo.EchoEchoArgs
		name, typ, seq, err := thrift.DecodeMessage(thrift.NewDecoder(fr.Payload), &args)
		require.NoError(t, err)
		assert.Equal(t, echo.EchoEchoMethod.Name, name)
		assert.Equal(t, thrift.MessageCall, typ)
		assert.Equal(t, int32(7), seq)
		assert.Equal(t, "hello volo", args.Msg)
	}
}

// An empty header: gopkg writes no info blocks, only padding.
func TestGopkgEmptyHeader(t *testing.T) {
	hdr, err := ttheader.EncodeToBytes(context.Background(), ttheader.EncodeParam{SeqID: 1})
	require.NoError(t, err)
	b := append(hdr, gopkgEchoMessage("x", 1)...)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	ours, err := frame.AppendMessage(nil, frame.TTHeader, &frame.Header{SeqID: 1}, echo.EchoEchoMethod.Name, thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: "x"})
	require.NoError(t, err)
	assert.Equal(t, b, ours, "same bytes for the same frame")
}

func TestApplicationExceptionWithGopkg(t *testing.T) {
	ours := thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "no method frob")
	b := make([]byte, 0, ours.ThriftSize())
	b = ours.AppendThrift(b)
	theirs := gthrift.NewApplicationException(0, "")
	n, err := theirs.FastRead(b)
	require.NoError(t, err)
	assert.Equal(t, len(b), n)
	assert.Equal(t, int32(gthrift.UNKNOWN_METHOD), theirs.TypeID())
	assert.Equal(t, "no method frob", theirs.Msg())

	// The code volo adds as field 3 is skipped by gopkg.
	coded := thrift.ExceptionFor(volo.Errorf(volo.CodeResourceExhausted, "slow down"))
	require.Equal(t, volo.CodeResourceExhausted, coded.Code)
	b = coded.AppendThrift(make([]byte, 0, coded.ThriftSize()))
	theirs = gthrift.NewApplicationException(0, "")
	n, err = theirs.FastRead(b)
	require.NoError(t, err)
	assert.Equal(t, len(b), n)
	assert.Equal(t, int32(gthrift.INTERNAL_ERROR), theirs.TypeID())
	assert.Equal(t, "slow down", theirs.Msg())

	// So is the not_run flag volo adds as field 4 to a shutdown's refusal.
	notRun := &thrift.ApplicationException{Message: "not run", Type: thrift.ExceptionInternalError, Code: volo.CodeUnavailable, NotRun: true}
	b = notRun.AppendThrift(make([]byte, 0, notRun.ThriftSize()))
	theirs = gthrift.NewApplicationException(0, "")
	n, err = theirs.FastRead(b)
	require.NoError(t, err)
	assert.Equal(t, len(b), n)
	assert.Equal(t, int32(gthrift.INTERNAL_ERROR), theirs.TypeID())
	assert.Equal(t, "not run", theirs.Msg())

	theirs = gthrift.NewApplicationException(gthrift.INTERNAL_ERROR, "handler panicked")
	b = make([]byte, theirs.BLength())
	theirs.FastWrite(b)
	var got thrift.ApplicationException
	require.NoError(t, got.DecodeThrift(thrift.NewDecoder(b)))
	assert.Equal(t, thrift.ApplicationException{Type: thrift.ExceptionInternalError, Message: "handler panicked"}, got)
	assert.Equal(t, theirs.BLength(), got.ThriftSize())
}
