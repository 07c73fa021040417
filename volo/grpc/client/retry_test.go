package client_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/govolo/volo/ext/discovery"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/client"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// retryOnce is the simplest retry layer: a failed call is sent once more,
// marked in persistent metainfo as ext/retry marks its retries.
var retryOnce = motore.MiddlewareFn("retry-once", func(ctx context.Context, call *vgrpc.Call, next vgrpc.Service) (proto.Message, error) {
	res, err := next.Call(ctx, call)
	if err == nil {
		return res, nil
	}
	return next.Call(metainfo.WithPersistentValue(ctx, "RetryReq", "1"), call)
})

// downPeer is a grpc-go server whose UnaryCall always fails, and records
// whether a call came marked as a retry.
type downPeer struct {
	testpb.UnimplementedTestServiceServer
}

func (downPeer) UnaryCall(context.Context, *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return nil, status.Error(codes.Unavailable, "down")
}

// markPeer answers with its name and the retry mark it received.
type markPeer struct {
	testpb.UnimplementedTestServiceServer
	name string
}

func (p markPeer) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	return &testpb.SimpleResponse{Hostname: p.name, Username: first(md, "rpc-persist-retryreq")}, nil
}

func startServer(t *testing.T, impl testpb.TestServiceServer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := ggrpc.NewServer()
	testpb.RegisterTestServiceServer(gs, impl)
	done := make(chan struct{})
	go func() { defer close(done); gs.Serve(ln) }()
	t.Cleanup(func() { gs.Stop(); <-done })
	return ln.Addr().String()
}

type keyOf struct{}

// Under WithRetry a retry goes to another instance than the one that
// failed, even where the balancer would pick the same one again (a
// consistent hash of one key), and carries the retry mark; in
// WithMiddleware it hashes to the same instance again — the Thrift
// client's rule.
func TestWithRetrySendsTheRetryToAnotherInstance(t *testing.T) {
	addrs := []string{startServer(t, downPeer{}), startServer(t, markPeer{name: "ok"})}
	var ins []discovery.Instance
	for _, a := range addrs {
		ins = append(ins, discovery.Instance{Addr: a})
	}
	bal, err := discovery.NewBalancer(ctxT(t), discovery.NewStatic(ins...), service, discovery.WithPolicy(discovery.ConsistentHash(0)))
	if err != nil {
		t.Fatal(err)
	}
	defer bal.Close()
	byKey := client.WithBalanceKey(func(ctx context.Context, _ *vgrpc.Call) string { return ctx.Value(keyOf{}).(string) })
	call := func(c *client.Client, key string) (*testpb.SimpleResponse, error) {
		resp := new(testpb.SimpleResponse)
		return resp, c.Call(context.WithValue(ctxT(t), keyOf{}, key), unaryCall, &testpb.SimpleRequest{}, resp)
	}
	probe := newClient(t, client.WithBalancer(bal), byKey)
	key := ""
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		if _, err := call(probe, k); err != nil {
			key = k
			break
		}
	}
	if key == "" {
		t.Fatal("no key hashes to the failing instance")
	}
	plain := newClient(t, client.WithBalancer(bal), byKey, client.WithMiddleware(retryOnce))
	if _, err := call(plain, key); err == nil {
		t.Error("above the balancer, the retry hashed to another instance")
	}
	c := newClient(t, client.WithBalancer(bal), byKey, client.WithRetry(retryOnce))
	resp, err := call(c, key)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Hostname != "ok" || resp.Username != "1" {
		t.Errorf("answered by %q with retry mark %q", resp.Hostname, resp.Username)
	}
	if d := c.Describe(); !strings.Contains(d, "avoid-tried-instances -> retry-once -> loadbalance(") {
		t.Errorf("stack %s", d)
	}
}
