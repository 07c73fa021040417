package connect_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/wrapperspb"

	adconnect "github.com/govolo/volo/adapters/connect"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// logging prints each call as the side named sees it.
func logging(side string) motore.Middleware[*adconnect.Call, any] {
	return motore.MiddlewareFn("logging", func(ctx context.Context, c *adconnect.Call, next motore.Service[*adconnect.Call, any]) (any, error) {
		resp, err := next.Call(ctx, c)
		fmt.Printf("%s: %s stream=%v err=%v\n", side, c.Spec.Procedure, c.IsStream(), err)
		return resp, err
	})
}

// greet answers with the caller's persistent tenant and signs the reply
// with a backward value.
func greet(ctx context.Context, req *connect.Request[wrapperspb.StringValue]) (*connect.Response[wrapperspb.StringValue], error) {
	tenant, _ := metainfo.GetPersistentValue(ctx, "TENANT")
	metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
	return connect.NewResponse(wrapperspb.String(strings.ToUpper(req.Msg.Value) + " for " + tenant)), nil
}

func ExampleNewServerInterceptor() {
	icpt, err := adconnect.NewServerInterceptor(logging("server"))
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/echo.Echo/Echo", connect.NewUnaryHandler("/echo.Echo/Echo", greet, connect.WithInterceptors(icpt)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A plain connect client: the metainfo goes as headers by hand.
	client := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+"/echo.Echo/Echo")
	req := connect.NewRequest(wrapperspb.String("hi"))
	req.Header().Set("Rpc-Persist-Tenant", "acme")
	resp, err := client.CallUnary(context.Background(), req)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(resp.Msg.Value, "/ Rpc-Backward-Served-By:", resp.Header().Get("Rpc-Backward-Served-By"))
	// Output:
	// server: /echo.Echo/Echo stream=false err=<nil>
	// HI for acme / Rpc-Backward-Served-By: a
}

func ExampleNewClientInterceptor() {
	server, err := adconnect.NewServerInterceptor(motore.Identity[*adconnect.Call, any]())
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/echo.Echo/Echo", connect.NewUnaryHandler("/echo.Echo/Echo", greet, connect.WithInterceptors(server)))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	icpt, err := adconnect.NewClientInterceptor(logging("client"))
	if err != nil {
		log.Fatal(err)
	}
	client := connect.NewClient[wrapperspb.StringValue, wrapperspb.StringValue](srv.Client(), srv.URL+"/echo.Echo/Echo",
		connect.WithInterceptors(icpt))
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	ctx = metainfo.WithBackwardValues(ctx)
	resp, err := client.CallUnary(ctx, connect.NewRequest(wrapperspb.String("hi")))
	if err != nil {
		log.Fatal(err)
	}
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	fmt.Println(resp.Msg.Value, "served by", by)
	// Output:
	// client: /echo.Echo/Echo stream=false err=<nil>
	// HI for acme served by a
}
