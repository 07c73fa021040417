package thriftrpc_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	athrift "github.com/apache/thrift/lib/go/thrift"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/volotest"
)

func upper(_ context.Context, msg string) (string, error) {
	if msg == "fail" {
		return "", errors.New("refused")
	}
	return strings.ToUpper(msg), nil
}

var conf = &athrift.TConfiguration{ConnectTimeout: 5 * time.Second, SocketTimeout: 5 * time.Second}

// apacheTransport wraps an Apache socket in Framed or Buffered transport.
func apacheTransport(framed bool, sock athrift.TTransport) athrift.TTransport {
	if framed {
		return athrift.NewTFramedTransportConf(sock, conf)
	}
	return athrift.NewTBufferedTransport(sock, 8192)
}

func TestApacheClientCallsVoloServer(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper))
	for _, framed := range []bool{true, false} {
		name := map[bool]string{true: "framed", false: "buffered"}[framed]
		t.Run(name, func(t *testing.T) {
			trans := apacheTransport(framed, athrift.NewTSocketConf(ln.Addr().String(), conf))
			require.NoError(t, trans.Open())
			defer trans.Close()
			proto := athrift.NewTBinaryProtocolConf(trans, conf)
			c := athrift.NewTStandardClient(proto, proto)
			ctx := context.Background()
			for _, msg := range []string{"hello apache", "", strings.Repeat("y", 64<<10)} {
				var res echoResult
				_, err := c.Call(ctx, echo.EchoEchoMethod.Name, &echoArgs{Msg: msg}, &res)
				require.NoError(t, err)
				require.NotNil(t, res.Success)
				assert.Equal(t, strings.ToUpper(msg), *res.Success)
			}
			// A handler error comes back as a TApplicationException.
			var res echoResult
			_, err := c.Call(ctx, echo.EchoEchoMethod.Name, &echoArgs{Msg: "fail"}, &res)
			var ae athrift.TApplicationException
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, int32(athrift.INTERNAL_ERROR), ae.TypeId())
			assert.Contains(t, ae.Error(), "refused")
			// So does an unknown method.
			_, err = c.Call(ctx, "nope", &echoArgs{Msg: "x"}, &res)
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, int32(athrift.UNKNOWN_METHOD), ae.TypeId())
		})
	}
}

func TestVoloClientCallsApacheServer(t *testing.T) {
	for _, framed := range []bool{true, false} {
		name := map[bool]string{true: "framed", false: "buffered"}[framed]
		t.Run(name, func(t *testing.T) {
			sock, err := athrift.NewTServerSocket("127.0.0.1:0")
			require.NoError(t, err)
			require.NoError(t, sock.Listen())
			var tf athrift.TTransportFactory = athrift.NewTBufferedTransportFactory(8192)
			f := frame.Buffered
			if framed {
				tf = athrift.NewTFramedTransportFactoryConf(athrift.NewTTransportFactory(), conf)
				f = frame.Framed
			}
			srv := athrift.NewTSimpleServer4(echoProcessor{}, sock, tf, athrift.NewTBinaryProtocolFactoryConf(conf))
			served := make(chan error, 1)
			go func() { served <- srv.Serve() }()

			c, err := client.New("Echo", client.WithAddress(sock.Addr().String()), client.WithFraming(f))
			require.NoError(t, err)
			e := &echo.EchoClient{Client: c}
			for _, msg := range []string{"hello volo", "", strings.Repeat("z", 64<<10)} {
				got, err := e.Echo(context.Background(), msg)
				require.NoError(t, err)
				assert.Equal(t, strings.ToUpper(msg), got)
			}
			err = c.Call(context.Background(), &thrift.MethodDesc{Name: "nope"}, &echo.EchoEchoArgs{Msg: "x"}, &echo.EchoEchoResult{})
			var ae *thrift.ApplicationException
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, thrift.ExceptionUnknownMethod, ae.Type)

			require.NoError(t, c.Close())
			require.NoError(t, srv.Stop())
			require.NoError(t, <-served)
		})
	}
}
