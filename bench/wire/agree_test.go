package wire_test

import (
	"bytes"
	"testing"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	athrift "github.com/apache/thrift/lib/go/thrift"
	gthrift "github.com/cloudwego/gopkg/protocol/thrift"

	"github.com/govolo/volo/volo/thrift"
)

// The contenders must do the same work: same bytes out, same value back.
func TestContendersAgree(t *testing.T) {
	for _, sz := range sizes {
		ours := thrift.AppendMessage(nil, echo.EchoEchoMethod.Name, thrift.MessageCall, 1, &echo.EchoEchoArgs{Msg: sz.msg})

		g := gthrift.Binary.AppendMessageBegin(nil, echo.EchoEchoMethod.Name, gthrift.CALL, 1)
		g = gthrift.Binary.AppendFieldBegin(g, gthrift.STRING, 1)
		g = gthrift.Binary.AppendString(g, sz.msg)
		g = gthrift.Binary.AppendFieldStop(g)

		mem := athrift.NewTMemoryBufferLen(2048)
		apacheWriteEcho(athrift.NewTBinaryProtocolConf(mem, &athrift.TConfiguration{}), sz.msg)

		if !bytes.Equal(ours, g) || !bytes.Equal(ours, mem.Bytes()) {
			t.Fatalf("%s: encodings differ:\nvolo   % x\ngopkg  % x\napache % x", sz.name, ours, g, mem.Bytes())
		}
		if got := gopkgReadEcho(t, ours); got != sz.msg {
			t.Fatalf("gopkg decoded %q", got)
		}
		if got := apacheReadEcho(t, athrift.NewTBinaryProtocolConf(mem, &athrift.TConfiguration{})); got != sz.msg {
			t.Fatalf("apache decoded %q", got)
		}
	}
}
