package metainfo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/govolo/volo/metainfo"
)

func ExampleNewCodec() {
	codec := metainfo.NewCodec(
		metainfo.WithMaxKeys(16),
		metainfo.WithMaxValueLen(64),
		metainfo.WithBackwardStyle(metainfo.BackwardRaw), // as Kitex
	)
	ctx := metainfo.WithValue(context.Background(), "NOTE", strings.Repeat("x", 65))
	err := codec.ToMap(ctx, map[string]string{})
	fmt.Println(err)
	// Output: metainfo: value too long (transient key "NOTE": 65, limit 64)
}

func ExampleCodec_ToMap() {
	ctx := metainfo.WithValue(context.Background(), "REQUEST_TAG", "blue")
	ctx = metainfo.WithPersistentValue(ctx, "TENANT_ID", "acme")

	var codec metainfo.Codec
	m := map[string]string{"isn": "greeter"} // other TTHeader strings stay
	if err := codec.ToMap(ctx, m); err != nil {
		fmt.Println(err)
	}
	fmt.Println(m)
	// Output: map[RPC_PERSIST_TENANT_ID:acme RPC_TRANSIT_REQUEST_TAG:blue isn:greeter]
}

func ExampleCodec_FromMap() {
	m := map[string]string{
		"isn":                   "greeter",
		"RPC_PERSIST_TENANT_ID": "acme",
		"RPC_TRANSIT_TAG":       "blue",
	}
	var codec metainfo.Codec
	ctx, err := codec.FromMap(context.Background(), m)
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(metainfo.GetAllPersistentValues(ctx), metainfo.GetAllValues(ctx))

	// Received transient values are not sent on.
	next := map[string]string{}
	_ = codec.ToMap(ctx, next)
	fmt.Println(next)

	_, err = codec.FromMap(context.Background(), map[string]string{"RPC_TRANSIT_TAG": "a\r\nb"})
	fmt.Println(err)
	// Output:
	// map[TENANT_ID:acme] map[TAG:blue]
	// map[RPC_PERSIST_TENANT_ID:acme]
	// metainfo: control character (transient key "TAG")
}

func ExampleCodec_EncodeForward() {
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	ctx = metainfo.WithValue(ctx, "TAG", "blue")

	// A framing layer writes prefix and key back to back, with no string
	// built in between.
	var codec metainfo.Codec
	_ = codec.EncodeForward(ctx, func(prefix, key, value string) error {
		fmt.Printf("%s|%s = %s\n", prefix, key, value)
		return nil
	})
	// Output:
	// RPC_PERSIST_|TENANT_ID = acme
	// RPC_TRANSIT_|TAG = blue
}

func ExampleCodec_ToHTTPHeader() {
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	ctx = metainfo.WithValue(ctx, "user_id", "42")

	var codec metainfo.Codec
	h := http.Header{}
	_ = codec.ToHTTPHeader(ctx, h)
	fmt.Println(h)

	clash := metainfo.WithValues(context.Background(), "user_id", "1", "USER-ID", "2")
	fmt.Println(codec.ToHTTPHeader(clash, http.Header{}))
	// Output:
	// map[rpc-persist-tenant-id:[acme] rpc-transit-user-id:[42]]
	// metainfo: key collision (transient key "user_id" and "USER-ID")
}

func ExampleCodec_FromHTTPHeader() {
	h := http.Header{}
	h.Set("Rpc-Persist-Tenant-Id", "acme")
	h.Set("Rpc-Transit-User-Id", "42")
	h.Set("Content-Type", "application/grpc")

	var codec metainfo.Codec
	ctx, err := codec.FromHTTPHeader(context.Background(), h)
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(metainfo.GetAllPersistentValues(ctx), metainfo.GetAllValues(ctx))
	// Output: map[TENANT_ID:acme] map[USER_ID:42]
}

func ExampleCodec_BackwardToMap() {
	ctx := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValue(ctx, "COST_MS", "12")

	volo, kitex := metainfo.NewCodec(), metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))
	m1, m2 := map[string]string{}, map[string]string{}
	_ = volo.BackwardToMap(ctx, m1)
	_ = kitex.BackwardToMap(ctx, m2)
	fmt.Println(m1, m2)
	// Output: map[RPC_BACKWARD_COST_MS:12] map[COST_MS:12]
}

func ExampleCodec_BackwardFromMap() {
	ctx := metainfo.WithBackwardValues(context.Background())
	response := map[string]string{"RPC_BACKWARD_COST_MS": "12", "SHARD": "7"}

	kitex := metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))
	_ = kitex.BackwardFromMap(ctx, response) // reads both styles
	fmt.Println(metainfo.RecvAllBackwardValues(ctx))
	// Output: map[COST_MS:12 SHARD:7]
}

func ExampleCodec_BackwardToHTTPHeader() {
	ctx := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValue(ctx, "cost_ms", "12")

	var codec metainfo.Codec
	h := http.Header{}
	_ = codec.BackwardToHTTPHeader(ctx, h)
	fmt.Println(h)

	client := metainfo.WithBackwardValues(context.Background())
	_ = codec.BackwardFromHTTPHeader(client, h)
	fmt.Println(metainfo.RecvAllBackwardValues(client))
	// Output:
	// map[rpc-backward-cost-ms:[12]]
	// map[COST_MS:12]
}

func ExampleError() {
	var codec metainfo.Codec
	ctx := metainfo.WithPersistentValue(context.Background(), "bad key", "v")
	err := codec.ToMap(ctx, map[string]string{})

	var e *metainfo.Error
	if errors.As(err, &e) {
		fmt.Println(e.Kind, e.Key)
	}
	fmt.Println(errors.Is(err, metainfo.ErrInvalidKey))
	// Output:
	// persistent bad key
	// true
}
