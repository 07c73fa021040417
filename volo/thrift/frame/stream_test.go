package frame_test

import (
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/frame"
)

// chunkReader returns its bytes in pieces of random sizes, as a socket does.
type chunkReader struct {
	b   []byte
	rnd *rand.Rand
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(r.b), 1+r.rnd.IntN(3000))
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// Random framings and sizes, large frames (over what the reader keeps
// between frames) among small ones, arriving in random pieces: every
// message comes out whole and in order.
func TestRandomStream(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	type sent struct {
		f   frame.Framing
		msg string
	}
	var want []sent
	var stream []byte
	for i := range 300 {
		f := framings[rnd.IntN(len(framings))]
		size := rnd.IntN(200)
		if i%25 == 0 {
			size = 100<<10 + rnd.IntN(1000)
		}
		msg := strings.Repeat(string(rune('a'+i%26)), size)
		h := &frame.Header{SeqID: int32(i), StrInfo: map[string]string{"i": msg[:min(len(msg), 10)]}}
		var err error
		stream, err = frame.AppendMessage(stream, f, h, echo.EchoEchoMethod.Name, thrift.MessageCall, int32(i), &echo.EchoEchoArgs{Msg: msg})
		require.NoError(t, err)
		want = append(want, sent{f, msg})
	}
	r := frame.NewReader(&chunkReader{b: stream, rnd: rnd})
	var fr frame.Frame
	for i, w := range want {
		require.NoError(t, r.Next(&fr), i)
		require.Equal(t, w.f, fr.Framing, i)
		msg, seq := decodeEcho(t, fr.Payload)
		require.Equal(t, int32(i), seq)
		require.Equal(t, w.msg, msg, i)
		if w.f == frame.TTHeader || w.f == frame.TTHeaderFramed {
			assert.Equal(t, int32(i), fr.Header.SeqID)
			assert.Equal(t, w.msg[:min(len(w.msg), 10)], fr.Header.StrInfo["i"])
		}
	}
	assert.ErrorIs(t, r.Next(&fr), io.EOF)
}
