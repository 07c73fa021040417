package http_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"

	adhttp "github.com/govolo/volo/adapters/http"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
)

// A server stack logs each call by name; the handler reads the caller's
// persistent metainfo and sends a backward value.
func ExampleNewMiddleware() {
	logging := motore.MiddlewareFn("logging", func(ctx context.Context, c *adhttp.Call, next motore.Service[*adhttp.Call, int]) (int, error) {
		status, err := next.Call(ctx, c)
		fmt.Printf("server: %s -> %d\n", c.Info().FullMethod(), status)
		return status, err
	})
	mw, err := adhttp.NewMiddleware(logging, adhttp.WithNaming(adhttp.PathNaming))
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tenant, _ := metainfo.GetPersistentValue(r.Context(), "TENANT")
		metainfo.SendBackwardValue(r.Context(), "SERVED_BY", "a")
		fmt.Fprintf(w, "hello, %s", tenant)
	})))
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/echo.Echo/Echo", nil)
	req.Header.Set("Rpc-Persist-Tenant", "acme")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("client: %s, %s=%s\n", body, "Rpc-Backward-Served-By", resp.Header.Get("Rpc-Backward-Served-By"))
	// Output:
	// server: echo.Echo/Echo -> 200
	// client: hello, acme, Rpc-Backward-Served-By=a
}

// A client stack in an http.Client: metainfo goes out as rpc-* headers
// and backward values come back into the caller's context.
func ExampleNewRoundTripper() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Printf("server: rpc-persist-tenant=%s\n", r.Header.Get("Rpc-Persist-Tenant"))
		w.Header().Set("Rpc-Backward-Cost", "12")
	}))
	defer srv.Close()

	logging := motore.MiddlewareFn("logging", func(ctx context.Context, r *http.Request, next motore.Service[*http.Request, *http.Response]) (*http.Response, error) {
		resp, err := next.Call(ctx, r)
		fmt.Printf("client: %s %s -> %s\n", r.Method, r.URL.Path, resp.Status)
		return resp, err
	})
	rt, err := adhttp.NewRoundTripper(logging, srv.Client().Transport)
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: rt}

	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	ctx = metainfo.WithBackwardValues(ctx)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/items", nil)
	resp, err := client.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	cost, _ := metainfo.RecvBackwardValue(ctx, "COST")
	fmt.Println("backward COST =", cost)
	// Output:
	// server: rpc-persist-tenant=acme
	// client: GET /items -> 200 OK
	// backward COST = 12
}
