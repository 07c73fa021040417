package metainfo_test

import (
	"context"
	"fmt"

	"github.com/govolo/volo/metainfo"
)

// A caller sets values, a codec carries them to the callee, and the callee
// sends one back.
func Example() {
	var codec metainfo.Codec

	// The caller.
	ctx := metainfo.WithValue(context.Background(), "REQUEST_TAG", "blue")
	ctx = metainfo.WithPersistentValue(ctx, "TENANT_ID", "acme")
	ctx = metainfo.WithBackwardValues(ctx)
	request := map[string]string{}
	_ = codec.ToMap(ctx, request)

	// The callee.
	server, _ := codec.FromMap(context.Background(), request)
	server = metainfo.WithBackwardValuesToSend(server)
	tag, _ := metainfo.GetValue(server, "REQUEST_TAG")
	tenant, _ := metainfo.GetPersistentValue(server, "TENANT_ID")
	fmt.Println("callee sees", tag, tenant)
	metainfo.SendBackwardValue(server, "COST_MS", "12")
	response := map[string]string{}
	_ = codec.BackwardToMap(server, response)

	// The caller again.
	_ = codec.BackwardFromMap(ctx, response)
	cost, _ := metainfo.RecvBackwardValue(ctx, "COST_MS")
	fmt.Println("caller gets", cost)
	// Output:
	// callee sees blue acme
	// caller gets 12
}

func ExampleWithValue() {
	ctx := metainfo.WithValue(context.Background(), "REQUEST_TAG", "blue")
	v, ok := metainfo.GetValue(ctx, "REQUEST_TAG")
	fmt.Println(v, ok)

	// On the next hop the value is still readable, and on the one after
	// that it is gone.
	next := metainfo.TransferForward(ctx)
	v, ok = metainfo.GetValue(next, "REQUEST_TAG")
	fmt.Println(v, ok)
	_, ok = metainfo.GetValue(metainfo.TransferForward(next), "REQUEST_TAG")
	fmt.Println(ok)
	// Output:
	// blue true
	// blue true
	// false
}

func ExampleWithPersistentValue() {
	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT_ID", "acme")
	for range 3 {
		ctx = metainfo.TransferForward(ctx) // three hops
	}
	v, ok := metainfo.GetPersistentValue(ctx, "TENANT_ID")
	fmt.Println(v, ok)
	// Output: acme true
}

func ExampleWithValues() {
	ctx := metainfo.WithValues(context.Background(), "A", "1", "B", "2")
	ctx = metainfo.DelValue(ctx, "A")
	fmt.Println(metainfo.GetAllValues(ctx))
	// Output: map[B:2]
}

func ExampleTransferForward() {
	ctx := metainfo.WithValue(context.Background(), "SET_HERE", "1")
	ctx = metainfo.TransferForward(ctx) // as a server does with a request
	ctx = metainfo.WithValue(ctx, "SET_NEXT", "2")

	var codec metainfo.Codec
	m := map[string]string{}
	_ = codec.ToMap(ctx, m)
	fmt.Println(m) // only the value set since the hop is sent
	// Output: map[RPC_TRANSIT_SET_NEXT:2]
}

func ExampleValues() {
	ctx := metainfo.WithValue(context.Background(), "A", "1")
	ctx = metainfo.WithPersistentValue(ctx, "B", "2")
	for k, v := range metainfo.Values(ctx) {
		fmt.Println("transient", k, v)
	}
	for k, v := range metainfo.PersistentValues(ctx) {
		fmt.Println("persistent", k, v)
	}
	// Output:
	// transient A 1
	// persistent B 2
}

func ExampleWithBackwardValues() {
	// The caller installs a receiver for the call.
	ctx := metainfo.WithBackwardValues(context.Background())

	// The client framework stores what the response carried.
	metainfo.SetBackwardValue(ctx, "COST_MS", "12")

	v, ok := metainfo.RecvBackwardValue(ctx, "COST_MS")
	fmt.Println(v, ok)
	// Output: 12 true
}

func ExampleWithBackwardValuesToSend() {
	// The server framework collects backward values around a handler.
	ctx := metainfo.WithBackwardValuesToSend(context.Background())

	// The handler, or anything it calls, sends values back.
	metainfo.SendBackwardValue(ctx, "COST_MS", "12")

	fmt.Println(metainfo.AllBackwardValuesToSend(ctx))
	fmt.Println(metainfo.SendBackwardValue(context.Background(), "K", "v"))
	// Output:
	// map[COST_MS:12]
	// false
}

func ExampleNewKey() {
	type user struct{ name string }
	userKey := metainfo.NewKey[*user]("user")

	ctx := userKey.With(context.Background(), &user{name: "ann"})
	u, ok := userKey.Get(ctx)
	fmt.Println(u.name, ok)

	var codec metainfo.Codec
	m := map[string]string{}
	_ = codec.ToMap(ctx, m)
	fmt.Println(len(m)) // local values never travel
	// Output:
	// ann true
	// 0
}
