package grpc_test

import (
	"context"
	"fmt"
	"time"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Metadata from key-value pairs; -bin keys carry raw bytes.
func ExamplePairs() {
	md := grpc.Pairs("tenant", "acme", "trace-bin", "\x00\x01")
	fmt.Println(md.Get("tenant"), len(md.Get("trace-bin")), md.Check())
	// Output: acme 2 <nil>
}

// A handler's error with a detail, and the status a server sends for it.
func ExampleNewDetail() {
	d, err := grpc.NewDetail(wrapperspb.String("retry later"))
	if err != nil {
		panic(err)
	}
	err = grpc.WithDetails(volo.Errorf(volo.CodeUnavailable, "busy"), d)
	st := grpc.StatusOf(err)
	fmt.Println(st.Code == volo.CodeUnavailable, st.Message, len(st.Details))
	// Output: true busy 1
}

// The context a server gives its handlers: the call's incoming metadata
// is found there.
func ExampleNewServerContext() {
	ctx := grpc.NewServerContext(context.Background(), &grpc.Call{Metadata: grpc.Pairs("x-user", "ann")})
	fmt.Println(grpc.IncomingMetadata(ctx).Get("x-user"))
	// Output: ann
}

// grpc-timeout values: the finest unit whose count fits in 8 digits,
// rounded up.
func ExampleEncodeTimeout() {
	fmt.Println(grpc.EncodeTimeout(1500*time.Millisecond), grpc.EncodeTimeout(200*time.Hour))
	d, _ := grpc.DecodeTimeout("1500m")
	fmt.Println(d)
	// Output:
	// 1500000u 720000S
	// 1.5s
}
