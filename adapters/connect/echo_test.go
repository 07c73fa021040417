package connect_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

const (
	echoProcedure  = "/echo.Echo/Echo"
	countProcedure = "/echo.Echo/Count"
)

type (
	echoFunc  func(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error)
	countFunc func(ctx context.Context, req *connect.Request[wrapperspb.StringValue], stream *connect.ServerStream[wrapperspb.StringValue]) error
)

// upperEcho answers in upper case.
func upperEcho(_ context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
	return connect.NewResponse(wrapperspb.String(strings.ToUpper(req.Msg.Value))), nil
}

// countTo sends the request's text once per letter, as a server stream.
func countTo(_ context.Context, req *connect.Request[wrapperspb.StringValue], stream *connect.ServerStream[wrapperspb.StringValue]) error {
	for i := range req.Msg.Value {
		if err := stream.Send(wrapperspb.String(req.Msg.Value[:i+1])); err != nil {
			return err
		}
	}
	return nil
}

// serveEcho serves Echo and Count with the handler options on loopback.
func serveEcho(t testing.TB, echo echoFunc, count countFunc, opts ...connect.HandlerOption) *httptest.Server {
	t.Helper()
	if echo == nil {
		echo = upperEcho
	}
	if count == nil {
		count = countTo
	}
	mux := http.NewServeMux()
	mux.Handle(echoProcedure, connect.NewUnaryHandler(echoProcedure, echo, opts...))
	mux.Handle(countProcedure, connect.NewServerStreamHandler(countProcedure, count, opts...))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type echoClient struct {
	echo  *connect.Client[wrapperspb.StringValue, wrapperspb.StringValue]
	count *connect.Client[wrapperspb.StringValue, wrapperspb.StringValue]
}

func newEchoClient(t testing.TB, srv *httptest.Server, opts ...connect.ClientOption) echoClient {
	t.Helper()
	hc := srv.Client()
	t.Cleanup(hc.CloseIdleConnections)
	return echoClient{
		echo:  connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](hc, srv.URL+echoProcedure, opts...),
		count: connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](hc, srv.URL+countProcedure, opts...),
	}
}

func (c echoClient) Echo(ctx context.Context, msg string) (string, error) {
	resp, err := c.echo.CallUnary(ctx, connect.NewRequest(wrapperspb.String(msg)))
	if err != nil {
		return "", err
	}
	return resp.Msg.Value, nil
}

func (c echoClient) Count(ctx context.Context, msg string) ([]string, error) {
	stream, err := c.count.CallServerStream(ctx, connect.NewRequest(wrapperspb.String(msg)))
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	var got []string
	for stream.Receive() {
		got = append(got, stream.Msg().Value)
	}
	return got, stream.Err()
}
