package thriftrpc_test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	gthrift "github.com/cloudwego/gopkg/protocol/thrift"
	"github.com/cloudwego/gopkg/protocol/ttheader"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/volotest"
)

// gopkgFrame builds a whole TTHeader frame with gopkg's encoders, as Kitex
// writes one: header, then the binary message, then the length fixed up.
func gopkgFrame(t *testing.T, p ttheader.EncodeParam, payload []byte) []byte {
	t.Helper()
	b, err := ttheader.EncodeToBytes(context.Background(), p)
	require.NoError(t, err)
	b = append(b, payload...)
	binary.BigEndian.PutUint32(b, uint32(len(b)-4))
	return b
}

// readFrame reads one length-prefixed frame off c.
func readFrame(t *testing.T, c net.Conn) []byte {
	t.Helper()
	var n [4]byte
	_, err := io.ReadFull(c, n[:])
	require.NoError(t, err)
	b := make([]byte, 4+binary.BigEndian.Uint32(n[:]))
	copy(b, n[:])
	_, err = io.ReadFull(c, b[4:])
	require.NoError(t, err)
	return b
}

// gopkgEchoCall encodes echo(msg) with gopkg's binary codec.
func gopkgEchoCall(msg string, seq int32) []byte {
	b := gthrift.Binary.AppendMessageBegin(nil, "echo", gthrift.CALL, seq)
	b = gthrift.Binary.AppendFieldBegin(b, gthrift.STRING, 1)
	b = gthrift.Binary.AppendString(b, msg)
	return gthrift.Binary.AppendFieldStop(b)
}

// gopkgReadString reads a message whose struct has one string field id,
// with gopkg's decoder.
func gopkgReadString(t *testing.T, b []byte, wantID int16) (name string, typ gthrift.TMessageType, seq int32, s string) {
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
		if id == wantID && ft == gthrift.STRING {
			s, l, err = gthrift.Binary.ReadString(b)
		} else {
			l, err = gthrift.Binary.Skip(b, ft)
		}
		require.NoError(t, err)
		b = b[l:]
	}
	assert.Empty(t, b)
	return name, typ, seq, s
}

func TestGopkgRequestToVoloServer(t *testing.T) {
	type seen struct {
		persist, transit string
		left             time.Duration
	}
	got := make(chan seen, 1)
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		var s seen
		s.persist, _ = metainfo.GetPersistentValue(ctx, "tenant")
		s.transit, _ = metainfo.GetValue(ctx, "stage")
		if d, ok := ctx.Deadline(); ok {
			s.left = time.Until(d)
		}
		got <- s
		metainfo.SendBackwardValue(ctx, "cost", "3ms")
		return "re: " + msg, nil
	}))

	req := gopkgFrame(t, ttheader.EncodeParam{
		SeqID: 7,
		IntInfo: map[uint16]string{
			ttheader.ToMethod:   "echo",
			ttheader.RPCTimeout: "2000",
		},
		StrInfo: map[string]string{
			ttheader.HeaderIDLServiceName: "Echo",
			"RPC_PERSIST_tenant":          "acme",
			"RPC_TRANSIT_stage":           "canary",
		},
	}, gopkgEchoCall("from kitex", 7))

	c, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.SetDeadline(time.Now().Add(10*time.Second)))
	_, err = c.Write(req)
	require.NoError(t, err)
	reply := readFrame(t, c)

	p, err := ttheader.DecodeFromBytes(context.Background(), reply)
	require.NoError(t, err)
	assert.Equal(t, int32(7), p.SeqID)
	assert.Equal(t, "3ms", p.StrInfo["RPC_BACKWARD_cost"])
	name, typ, seq, s := gopkgReadString(t, reply[p.HeaderLen:], 0)
	assert.Equal(t, "echo", name)
	assert.Equal(t, gthrift.REPLY, typ)
	assert.Equal(t, int32(7), seq)
	assert.Equal(t, "re: from kitex", s)

	h := <-got
	assert.Equal(t, "acme", h.persist)
	assert.Equal(t, "canary", h.transit)
	assert.Greater(t, h.left, time.Second)
	assert.LessOrEqual(t, h.left, 2*time.Second)
}

func TestVoloClientRequestDecodesWithGopkg(t *testing.T) {
	// Volo prefixes backward keys, Kitex writes them raw: the client reads
	// either, as its codec says.
	t.Run("prefixed", func(t *testing.T) { clientToGopkg(t, "RPC_BACKWARD_cost", metainfo.NewCodec()) })
	t.Run("raw", func(t *testing.T) {
		clientToGopkg(t, "cost", metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw)))
	})
}

func clientToGopkg(t *testing.T, backwardKey string, codec *metainfo.Codec) {
	ln := volotest.ListenTCP(t)
	decoded := make(chan ttheader.DecodeParam, 1)
	msgs := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		req := readFrame(t, c)
		p, err := ttheader.DecodeFromBytes(context.Background(), req)
		if !assert.NoError(t, err) {
			return
		}
		decoded <- p
		_, _, seq, msg := gopkgReadString(t, req[p.HeaderLen:], 1)
		msgs <- msg
		// Reply as Kitex does: raw backward keys.
		res := gthrift.Binary.AppendMessageBegin(nil, "echo", gthrift.REPLY, seq)
		res = gthrift.Binary.AppendFieldBegin(res, gthrift.STRING, 0)
		res = gthrift.Binary.AppendString(res, "ok")
		res = gthrift.Binary.AppendFieldStop(res)
		_, err = c.Write(gopkgFrame(t, ttheader.EncodeParam{SeqID: p.SeqID, StrInfo: map[string]string{backwardKey: "5ms"}}, res))
		assert.NoError(t, err)
	}()

	cl, err := client.New("Echo", client.WithAddress(ln.Addr().String()), client.WithFromService("caller"), client.WithCodec(codec))
	require.NoError(t, err)
	defer cl.Close()
	ctx := metainfo.WithPersistentValue(context.Background(), "tenant", "acme")
	ctx = metainfo.WithValue(ctx, "stage", "canary")
	ctx = metainfo.WithBackwardValues(ctx)
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	got, err := (&echo.EchoClient{Client: cl}).Echo(ctx, "from volo")
	require.NoError(t, err)
	assert.Equal(t, "ok", got)
	cost, _ := metainfo.RecvBackwardValue(ctx, "cost")
	assert.Equal(t, "5ms", cost)

	p := <-decoded
	assert.Equal(t, "from volo", <-msgs)
	assert.Equal(t, ttheader.ProtocolIDThriftBinary, p.ProtocolID)
	assert.Equal(t, "Echo", p.StrInfo[ttheader.HeaderIDLServiceName])
	assert.Equal(t, "acme", p.StrInfo["RPC_PERSIST_tenant"])
	assert.Equal(t, "canary", p.StrInfo["RPC_TRANSIT_stage"])
	assert.Equal(t, "echo", p.IntInfo[ttheader.ToMethod])
	assert.Equal(t, "caller", p.IntInfo[ttheader.FromService])
	assert.Equal(t, "Echo", p.IntInfo[ttheader.ToService])
	assert.NotEmpty(t, p.IntInfo[ttheader.RPCTimeout])
	assert.LessOrEqual(t, len(p.IntInfo[ttheader.RPCTimeout]), 4, "milliseconds, at most 3000")
	<-done
}
