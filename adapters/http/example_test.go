package http_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

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

// A handler written as a motore service returns its errors; the adapter
// turns them into statuses.
func ExampleNewHandler() {
	errMissing := errors.New("no such item")
	items := motore.ServiceFn(func(ctx context.Context, c *adhttp.Call) (int, error) {
		if c.Request.URL.Path != "/items/1" {
			return 0, notFound{errMissing}
		}
		fmt.Fprint(c.Writer, "item 1")
		return http.StatusOK, nil
	})
	h, err := adhttp.NewHandler(items, motore.Identity[*adhttp.Call, int]())
	if err != nil {
		log.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	for _, path := range []string{"/items/1", "/items/2"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			log.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%s: %d %s\n", path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	// Output:
	// /items/1: 200 item 1
	// /items/2: 404 no such item
}

// notFound gives an error the RPC code "not_found", as volo.Error does.
type notFound struct{ error }

func (notFound) RPCCode() string { return "not_found" }
