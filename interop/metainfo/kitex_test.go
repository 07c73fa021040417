package metainfo_test

import (
	"context"

	gopkg "github.com/bytedance/gopkg/cloud/metainfo"
)

// These helpers do what Kitex's metainfo handlers do with gopkg's
// cloud/metainfo around a call, so the tests put volo next to a Kitex
// service without running one.

// kitexClientWrite is a Kitex client writing a request's TTHeader strings.
func kitexClientWrite(ctx context.Context) map[string]string {
	m := map[string]string{"isn": "callee"}
	gopkg.SaveMetaInfoToMap(ctx, m)
	return m
}

// kitexServerRead is a Kitex server reading a request's TTHeader strings.
func kitexServerRead(m map[string]string) context.Context {
	ctx := gopkg.SetMetaInfoFromMap(context.Background(), m)
	ctx = gopkg.WithBackwardValuesToSend(ctx)
	return gopkg.TransferForward(ctx)
}

// kitexServerWrite is a Kitex server writing a response's TTHeader strings:
// backward values under their own keys.
func kitexServerWrite(ctx context.Context) map[string]string {
	return gopkg.AllBackwardValuesToSend(ctx)
}

// kitexClientRead is a Kitex client reading a response's TTHeader strings:
// every one is a backward value.
func kitexClientRead(ctx context.Context, m map[string]string) {
	gopkg.SetBackwardValuesFromMap(ctx, m)
}

// kitexHTTPClientWrite is a Kitex gRPC client writing request metadata in
// single-hop mode (Kitex's default also forwards the transient values it
// received; volo reads both the same way).
func kitexHTTPClientWrite(ctx context.Context) map[string][]string {
	h := gopkg.HTTPHeader{"content-type": {"application/grpc"}}
	gopkg.ToHTTPHeader(gopkg.TransferForward(ctx), h)
	return h
}

// kitexHTTPServerRead is a Kitex gRPC server reading request metadata.
func kitexHTTPServerRead(h map[string][]string) context.Context {
	ctx := gopkg.FromHTTPHeader(context.Background(), gopkg.HTTPHeader(h))
	ctx = gopkg.WithBackwardValuesToSend(ctx)
	return gopkg.TransferForward(ctx)
}
