package metainfo_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
)

func TestToHTTPHeader(t *testing.T) {
	var codec metainfo.Codec
	ctx := metainfo.WithPersistentValue(context.Background(), "Tenant_ID", "acme")
	ctx = metainfo.WithValue(ctx, "trace.flag", "on")
	ctx = metainfo.WithValue(metainfo.TransferForward(ctx), "user_id", "42")
	h := map[string][]string{"Content-Type": {"application/grpc"}}
	require.NoError(t, codec.ToHTTPHeader(ctx, h))
	assert.Equal(t, map[string][]string{
		"Content-Type":          {"application/grpc"},
		"rpc-persist-tenant-id": {"acme"},
		"rpc-transit-user-id":   {"42"},
	}, h, "lower case, '_' as '-', received transient values not sent on")

	// Each value has its own slice, so appending to one touches no other.
	h["rpc-persist-tenant-id"] = append(h["rpc-persist-tenant-id"], "x")
	assert.Equal(t, []string{"42"}, h["rpc-transit-user-id"])
}

func TestFromHTTPHeader(t *testing.T) {
	var codec metainfo.Codec
	h := http.Header{
		"Content-Type":          {"application/grpc"},
		"Rpc-Persist-Tenant-Id": {"acme"},     // canonicalized by net/http
		"rpc-transit-user-id":   {"42"},       // as HTTP/2 and gRPC carry it
		"RPC-TRANSIT-Flag":      {"on"},       // any case
		"rpc-transit-a_b":       {"x"},        // '_' is fine too
		"Rpc-Backward-Ignored":  {"response"}, // not a request value
	}
	ctx, err := codec.FromHTTPHeader(context.Background(), h)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme"}, metainfo.GetAllPersistentValues(ctx))
	assert.Equal(t, map[string]string{"USER_ID": "42", "FLAG": "on", "A_B": "x"}, metainfo.GetAllValues(ctx))

	out := http.Header{}
	require.NoError(t, codec.ToHTTPHeader(ctx, out))
	assert.Equal(t, http.Header{"rpc-persist-tenant-id": {"acme"}}, out, "received transient values stop here")

	same, err := codec.FromHTTPHeader(context.Background(), http.Header{"Accept": {"*/*"}})
	require.NoError(t, err)
	assert.Equal(t, context.Background(), same)
}

func TestFromHTTPHeaderRefusesBadHeaders(t *testing.T) {
	var codec metainfo.Codec
	for _, tc := range []struct {
		name       string
		h          http.Header
		want       error
		key, other string
	}{
		{"no value", http.Header{"rpc-transit-k": {}}, metainfo.ErrEmptyValue, "k", ""},
		{"empty value", http.Header{"rpc-transit-k": {""}}, metainfo.ErrEmptyValue, "k", ""},
		{"two values", http.Header{"rpc-transit-k": {"1", "2"}}, metainfo.ErrKeyCollision, "k", ""},
		{"case collision", http.Header{"Rpc-Transit-K": {"1"}, "rpc-transit-k": {"2"}}, metainfo.ErrKeyCollision, "K", "k"},
		{"dash collision", http.Header{"rpc-persist-a-b": {"1"}, "rpc-persist-a_b": {"2"}}, metainfo.ErrKeyCollision, "a-b", "a_b"},
		{"empty key", http.Header{"rpc-persist-": {"1"}}, metainfo.ErrEmptyKey, "", ""},
		{"bad key", http.Header{"rpc-persist-a:b": {"1"}}, metainfo.ErrInvalidKey, "a:b", ""},
		{"control char", http.Header{"rpc-persist-k": {"a\x00b"}}, metainfo.ErrControlChar, "k", ""},
		{"space at end", http.Header{"rpc-persist-k": {"a "}}, metainfo.ErrInvalidValue, "k", ""},
		{"bad UTF-8", http.Header{"rpc-persist-k": {"\xff"}}, metainfo.ErrInvalidUTF8, "k", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, err := codec.FromHTTPHeader(context.Background(), tc.h)
			require.ErrorIs(t, err, tc.want)
			var e *metainfo.Error
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.key, e.Key)
			assert.Equal(t, tc.other, e.Other)
			assert.Equal(t, context.Background(), ctx)
		})
	}
}

func TestFromHTTPHeaderLimitsKeys(t *testing.T) {
	h := http.Header{}
	for i := range 40 {
		h["Rpc-Persist-P"+strconv.Itoa(i)] = []string{"v"}
	}
	_, err := metainfo.NewCodec(metainfo.WithMaxKeys(39)).FromHTTPHeader(context.Background(), h)
	assert.ErrorIs(t, err, metainfo.ErrTooManyKeys)
	ctx, err := metainfo.NewCodec(metainfo.WithMaxKeys(40)).FromHTTPHeader(context.Background(), h)
	require.NoError(t, err)
	assert.Equal(t, 40, metainfo.CountPersistentValues(ctx))
	v, _ := metainfo.GetPersistentValue(ctx, "P39")
	assert.Equal(t, "v", v)
}

func TestBackwardHTTPHeader(t *testing.T) {
	var codec metainfo.Codec
	server := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValues(server, "cost_ms", "12", "Shard", "7")
	h := http.Header{}
	require.NoError(t, codec.BackwardToHTTPHeader(server, h))
	assert.Equal(t, http.Header{"rpc-backward-cost-ms": {"12"}, "rpc-backward-shard": {"7"}}, h)

	h.Set("Content-Type", "application/grpc")
	client := metainfo.WithBackwardValues(context.Background())
	require.NoError(t, codec.BackwardFromHTTPHeader(client, h))
	assert.Equal(t, map[string]string{"COST_MS": "12", "SHARD": "7"}, metainfo.RecvAllBackwardValues(client))

	bad := http.Header{"Rpc-Backward-K": {"1"}, "rpc-backward-k": {"2"}}
	assert.ErrorIs(t, codec.BackwardFromHTTPHeader(metainfo.WithBackwardValues(context.Background()), bad), metainfo.ErrKeyCollision)
	two := http.Header{"rpc-backward-k": {"1", "2"}}
	assert.ErrorIs(t, codec.BackwardFromHTTPHeader(metainfo.WithBackwardValues(context.Background()), two), metainfo.ErrKeyCollision)
	many := http.Header{"rpc-backward-a": {"1"}, "rpc-backward-b": {"2"}}
	small := metainfo.NewCodec(metainfo.WithMaxKeys(1))
	assert.ErrorIs(t, small.BackwardFromHTTPHeader(metainfo.WithBackwardValues(context.Background()), many), metainfo.ErrTooManyKeys)
	assert.NoError(t, codec.BackwardFromHTTPHeader(context.Background(), many), "no receiver, nothing to do")
}
