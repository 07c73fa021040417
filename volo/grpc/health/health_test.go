package health_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/govolo/volo/volo/grpc/health"
	"github.com/govolo/volo/volo/grpc/server"
	"go.uber.org/goleak"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve starts a volo server with the health service and returns
// grpc-go's health client for it.
func serve(tb testing.TB, h *health.Server) healthpb.HealthClient {
	tb.Helper()
	srv, err := server.New()
	if err != nil {
		tb.Fatal(err)
	}
	if err := health.Register(srv, h); err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	go srv.Serve(ln)
	cc, err := ggrpc.NewClient(ln.Addr().String(), ggrpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tb.Fatal(err)
	}
	if t, ok := tb.(*testing.T); ok {
		t.Cleanup(func() { cc.Close(); srv.Close() })
	}
	return healthpb.NewHealthClient(cc)
}

func TestCheckFromGRPCGo(t *testing.T) {
	h := health.NewServer()
	c := serve(t, h)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := c.Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || resp.Status != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("whole server: %v, %v", resp, err)
	}
	if _, err := c.Check(ctx, &healthpb.HealthCheckRequest{Service: "echo.Echo"}); status.Code(err) != codes.NotFound {
		t.Errorf("unknown service: %v", err)
	}
	h.SetServingStatus("echo.Echo", health.NotServing)
	if resp, err := c.Check(ctx, &healthpb.HealthCheckRequest{Service: "echo.Echo"}); err != nil || resp.Status != healthpb.HealthCheckResponse_NOT_SERVING {
		t.Errorf("echo.Echo: %v, %v", resp, err)
	}
}

func TestWatchFromGRPCGo(t *testing.T) {
	h := health.NewServer()
	c := serve(t, h)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	w, err := c.Watch(ctx, &healthpb.HealthCheckRequest{Service: "echo.Echo"})
	if err != nil {
		t.Fatal(err)
	}
	want := func(st healthpb.HealthCheckResponse_ServingStatus) {
		t.Helper()
		resp, err := w.Recv()
		if err != nil || resp.Status != st {
			t.Fatalf("got %v, %v; want %v", resp, err, st)
		}
	}
	want(healthpb.HealthCheckResponse_SERVICE_UNKNOWN)
	h.SetServingStatus("echo.Echo", health.Serving)
	want(healthpb.HealthCheckResponse_SERVING)
	h.Shutdown()
	want(healthpb.HealthCheckResponse_NOT_SERVING)
	cancel()
}

// A server's health, asked by grpc-go's health client.
func ExampleNewServer() {
	h := health.NewServer()
	h.SetServingStatus("echo.Echo", health.Serving)
	srv, err := server.New()
	if err != nil {
		panic(err)
	}
	if err := health.Register(srv, h); err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	cc, err := ggrpc.NewClient(ln.Addr().String(), ggrpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		panic(err)
	}
	defer cc.Close()
	resp, err := healthpb.NewHealthClient(cc).Check(context.Background(), &healthpb.HealthCheckRequest{Service: "echo.Echo"})
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Status)
	// Output: SERVING
}
