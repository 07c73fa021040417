package gokit_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/go-kit/kit/endpoint"
	httptransport "github.com/go-kit/kit/transport/http"

	"github.com/govolo/volo/adapters/gokit"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// errBusy stands for a limiter's rejection: an error with an RPC code.
var errBusy = busyError{}

type busyError struct{}

func (busyError) Error() string   { return "busy" }
func (busyError) RPCCode() string { return "resource_exhausted" }

func ExampleMiddleware() {
	logging := motore.MiddlewareFn("logging", func(ctx context.Context, c *gokit.Call, next motore.Service[*gokit.Call, any]) (any, error) {
		resp, err := next.Call(ctx, c)
		fmt.Printf("%s(%v) = %v, %v\n", gokit.MethodKey(ctx, c), c.Request, resp, err)
		return resp, err
	})
	m, err := gokit.Middleware(logging, gokit.WithName("echo.Echo", "Echo"))
	if err != nil {
		log.Fatal(err)
	}
	e := endpoint.Chain(m)(upperEndpoint)
	_, _ = e(context.Background(), "hi")

	busy, _ := gokit.Middleware(motore.MiddlewareFn("busy", func(context.Context, *gokit.Call, motore.Service[*gokit.Call, any]) (any, error) {
		return nil, errBusy
	}))
	_, err = busy(upperEndpoint)(context.Background(), "hi")
	var ge *gokit.Error
	errors.As(err, &ge)
	fmt.Println(ge.StatusCode(), ge.RPCCode(), errors.Is(err, errBusy))
	// Output:
	// echo.Echo/Echo(hi) = HI, <nil>
	// 429 resource_exhausted true
}

func ExampleFromMiddleware() {
	// Any go-kit middleware: here one that logs.
	logging := func(next endpoint.Endpoint) endpoint.Endpoint {
		return func(ctx context.Context, req any) (any, error) {
			fmt.Println("go-kit middleware saw", req)
			return next(ctx, req)
		}
	}
	svc, err := motore.Build(motore.ServiceFn(func(_ context.Context, s string) (string, error) {
		return strings.ToUpper(s), nil
	}), gokit.FromMiddleware[string, string](logging))
	if err != nil {
		log.Fatal(err)
	}
	out, _ := svc.Call(context.Background(), "hi")
	fmt.Println(out)
	// Output:
	// go-kit middleware saw hi
	// HI
}

// A go-kit HTTP server and client, both with the adapter's hooks: the
// tenant travels as persistent metainfo, a backward value comes back.
func ExampleServerBefore() {
	greet := func(ctx context.Context, req any) (any, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "TENANT")
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "a")
		return strings.ToUpper(req.(string)) + " for " + tenant, nil
	}
	srv := httptest.NewServer(httptransport.NewServer(greet, decodeString, httptransport.EncodeJSONResponse,
		httptransport.ServerBefore(gokit.ServerBefore()),
		httptransport.ServerAfter(gokit.ServerAfter()),
	))
	defer srv.Close()
	defer srv.Client().CloseIdleConnections()

	u, _ := url.Parse(srv.URL)
	client := httptransport.NewClient(http.MethodPost, u, httptransport.EncodeJSONRequest, decodeStringResponse,
		httptransport.SetClient(srv.Client()),
		httptransport.ClientBefore(gokit.ClientBefore()),
		httptransport.ClientAfter(gokit.ClientAfter()),
	).Endpoint()

	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	ctx = metainfo.WithBackwardValues(ctx)
	out, err := client(ctx, "hi")
	if err != nil {
		log.Fatal(err)
	}
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	fmt.Println(out, "served by", by)
	// Output:
	// HI for acme served by a
}

func ExampleServerAfter() {
	h := httptransport.NewServer(func(ctx context.Context, _ any) (any, error) {
		metainfo.SendBackwardValue(ctx, "COST_MS", "12")
		return "ok", nil
	}, httptransport.NopRequestDecoder, httptransport.EncodeJSONResponse,
		httptransport.ServerBefore(gokit.ServerBefore()),
		httptransport.ServerAfter(gokit.ServerAfter()))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	// metainfo writes header names in lower case, as HTTP/2 sends them.
	printRPCHeaders(w.Header())
	// Output:
	// rpc-backward-cost-ms: 12
}

func ExampleClientBefore() {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	gokit.ClientBefore()(ctx, r)
	// metainfo writes header names in lower case, as HTTP/2 sends them.
	printRPCHeaders(r.Header)
	// Output:
	// rpc-persist-tenant: acme
}

// printRPCHeaders prints the metainfo headers of h.
func printRPCHeaders(h http.Header) {
	for name, vs := range h {
		if strings.HasPrefix(name, "rpc-") {
			fmt.Printf("%s: %s\n", name, strings.Join(vs, ","))
		}
	}
}

func ExampleClientAfter() {
	ctx := metainfo.WithBackwardValues(context.Background())
	resp := &http.Response{Header: http.Header{"Rpc-Backward-Served-By": {"b"}}}
	gokit.ClientAfter()(ctx, resp)
	by, _ := metainfo.RecvBackwardValue(ctx, "SERVED_BY")
	fmt.Println(by)
	// Output:
	// b
}

func ExampleErrorFromResponse() {
	resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"2"}}}
	err := gokit.ErrorFromResponse(resp)
	d, _ := gokit.RetryAfter(err)
	var ge *gokit.Error
	errors.As(err, &ge)
	fmt.Println(err, ge.RPCCode(), d)
	fmt.Println(gokit.ErrorFromResponse(&http.Response{StatusCode: http.StatusOK}))
	// Output:
	// gokit: status 429 Too Many Requests resource_exhausted 2s
	// <nil>
}
