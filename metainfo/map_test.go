package metainfo_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
)

func TestToMap(t *testing.T) {
	var codec metainfo.Codec
	ctx := metainfo.WithPersistentValue(context.Background(), "p", "1")
	ctx = metainfo.WithValue(ctx, "t", "2")
	m := map[string]string{"isn": "svc"}
	require.NoError(t, codec.ToMap(ctx, m))
	assert.Equal(t, map[string]string{"isn": "svc", "RPC_PERSIST_p": "1", "RPC_TRANSIT_t": "2"}, m)

	// Received transient values stop here.
	up := metainfo.WithValue(metainfo.TransferForward(ctx), "t2", "3")
	m = map[string]string{}
	require.NoError(t, codec.ToMap(up, m))
	assert.Equal(t, map[string]string{"RPC_PERSIST_p": "1", "RPC_TRANSIT_t2": "3"}, m)

	var got [][3]string
	require.NoError(t, codec.EncodeForward(up, func(prefix, key, value string) error {
		got = append(got, [3]string{prefix, key, value})
		return nil
	}))
	assert.Equal(t, [][3]string{{metainfo.PrefixPersistent, "p", "1"}, {metainfo.PrefixTransient, "t2", "3"}}, got)

	assert.NoError(t, codec.ToMap(context.Background(), m), "no metainfo, nothing to do")
}

func TestFromMap(t *testing.T) {
	var codec metainfo.Codec
	m := map[string]string{
		"isn":                               "svc",
		"RPC_PERSIST_p":                     "1",
		"RPC_TRANSIT_t":                     "2",
		"RPC_TRANSIT_UPSTREAM_u":            "3",
		"RPC_BACKWARD_b":                    "4",
		"rpc_transit_lower":                 "5",
		"RPC_":                              "6",
		metainfo.PrefixPersistent[:5] + "X": "7",
	}
	ctx, err := codec.FromMap(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"p": "1"}, metainfo.GetAllPersistentValues(ctx))
	assert.Equal(t, map[string]string{"t": "2", "u": "3"}, metainfo.GetAllValues(ctx))

	out := map[string]string{}
	require.NoError(t, codec.ToMap(ctx, out))
	assert.Equal(t, map[string]string{"RPC_PERSIST_p": "1"}, out, "received transient values are not sent on")

	ctx2, err := codec.FromMap(context.Background(), map[string]string{"isn": "svc"})
	require.NoError(t, err)
	assert.Equal(t, context.Background(), ctx2, "no metainfo, same context")
	ctx2, err = codec.FromMap(context.Background(), nil)
	require.NoError(t, err)
	assert.Equal(t, context.Background(), ctx2)
}

func TestFromMapMergesWithTheContext(t *testing.T) {
	var codec metainfo.Codec
	ctx := metainfo.WithPersistentValues(context.Background(), "p", "old", "q", "kept")
	ctx = metainfo.WithValues(ctx, "t", "local", "s", "local")
	ctx = metainfo.WithValue(metainfo.TransferForward(ctx), "t", "again") // s is upstream, t transient
	ctx, err := codec.FromMap(ctx, map[string]string{
		"RPC_PERSIST_p": "new",
		"RPC_PERSIST_r": "added",
		"RPC_TRANSIT_t": "received",
		"RPC_TRANSIT_u": "received",
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"p": "new", "q": "kept", "r": "added"}, metainfo.GetAllPersistentValues(ctx))
	assert.Equal(t, map[string]string{"t": "received", "s": "local", "u": "received"}, metainfo.GetAllValues(ctx))
	out := map[string]string{}
	require.NoError(t, codec.ToMap(ctx, out))
	assert.Equal(t, map[string]string{"RPC_PERSIST_p": "new", "RPC_PERSIST_q": "kept", "RPC_PERSIST_r": "added"}, out)
}

func TestFromMapRefusesBadEntries(t *testing.T) {
	var codec metainfo.Codec
	for _, tc := range []struct {
		name string
		m    map[string]string
		want error
		kind metainfo.Kind
		key  string
	}{
		{"empty key", map[string]string{"RPC_PERSIST_": "v"}, metainfo.ErrEmptyKey, metainfo.Persistent, ""},
		{"empty value", map[string]string{"RPC_TRANSIT_k": ""}, metainfo.ErrEmptyValue, metainfo.Transient, "k"},
		{"bad key", map[string]string{"RPC_TRANSIT_a b": "v"}, metainfo.ErrInvalidKey, metainfo.Transient, "a b"},
		{"CRLF", map[string]string{"RPC_PERSIST_k": "a\r\nb"}, metainfo.ErrControlChar, metainfo.Persistent, "k"},
		{"bad UTF-8", map[string]string{"RPC_PERSIST_k": "\xc3("}, metainfo.ErrInvalidUTF8, metainfo.Persistent, "k"},
		{"long value", map[string]string{"RPC_PERSIST_k": strings.Repeat("v", 4097)}, metainfo.ErrValueTooLong, metainfo.Persistent, "k"},
		{"upstream twice", map[string]string{"RPC_TRANSIT_x": "1", "RPC_TRANSIT_UPSTREAM_x": "2"}, metainfo.ErrKeyCollision, metainfo.Transient, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, err := codec.FromMap(context.Background(), tc.m)
			assertEntryError(t, err, tc.want, tc.kind, tc.key)
			assert.Equal(t, context.Background(), ctx, "the context is returned unchanged")
		})
	}
}

func TestFromMapLimitsKeys(t *testing.T) {
	codec := metainfo.NewCodec(metainfo.WithMaxKeys(4))
	m := map[string]string{"isn": "svc", "rip": "ip"}
	for i := range 4 {
		m["RPC_PERSIST_k"+strconv.Itoa(i)] = "v"
	}
	_, err := codec.FromMap(context.Background(), m)
	require.NoError(t, err)
	m["RPC_TRANSIT_k"] = "v"
	_, err = codec.FromMap(context.Background(), m)
	assert.ErrorIs(t, err, metainfo.ErrTooManyKeys)

	// Many entries go beyond the decoder's stack buffer.
	big := map[string]string{}
	for i := range 100 {
		big["RPC_PERSIST_p"+strconv.Itoa(i)] = strconv.Itoa(i)
		big["RPC_TRANSIT_t"+strconv.Itoa(i)] = strconv.Itoa(i)
	}
	ctx, err := metainfo.NewCodec(metainfo.WithMaxKeys(200)).FromMap(context.Background(), big)
	require.NoError(t, err)
	assert.Equal(t, 100, metainfo.CountPersistentValues(ctx))
	assert.Equal(t, 100, metainfo.CountValues(ctx))
	v, _ := metainfo.GetValue(ctx, "t42")
	assert.Equal(t, "42", v)
}

func TestBackwardMap(t *testing.T) {
	var prefixed metainfo.Codec
	raw := metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))

	server := metainfo.WithBackwardValuesToSend(context.Background())
	require.True(t, metainfo.SendBackwardValues(server, "a", "1", "b", "2"))

	m := map[string]string{}
	require.NoError(t, prefixed.BackwardToMap(server, m))
	assert.Equal(t, map[string]string{"RPC_BACKWARD_a": "1", "RPC_BACKWARD_b": "2"}, m)
	m = map[string]string{}
	require.NoError(t, raw.BackwardToMap(server, m))
	assert.Equal(t, map[string]string{"a": "1", "b": "2"}, m)

	var got [][3]string
	require.NoError(t, raw.EncodeBackward(server, func(prefix, key, value string) error {
		got = append(got, [3]string{prefix, key, value})
		return nil
	}))
	assert.Equal(t, [][3]string{{"", "a", "1"}, {"", "b", "2"}}, got)

	response := map[string]string{
		"RPC_BACKWARD_x": "1",
		"y":              "2",
		"RPC_PERSIST_p":  "3",
		"RPC_TRANSIT_t":  "4",
	}
	client := metainfo.WithBackwardValues(context.Background())
	require.NoError(t, prefixed.BackwardFromMap(client, response))
	assert.Equal(t, map[string]string{"x": "1"}, metainfo.RecvAllBackwardValues(client), "prefixed reads only prefixed keys")

	client = metainfo.WithBackwardValues(context.Background())
	require.NoError(t, raw.BackwardFromMap(client, response))
	assert.Equal(t, map[string]string{"x": "1", "y": "2"}, metainfo.RecvAllBackwardValues(client), "raw reads both")

	// Without a receiver, nothing happens.
	assert.NoError(t, raw.BackwardFromMap(context.Background(), response))
	assert.Nil(t, metainfo.RecvAllBackwardValues(context.Background()))
}

func TestBackwardFromMapRefusesBadEntries(t *testing.T) {
	raw := metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw), metainfo.WithMaxKeys(2))
	for _, tc := range []struct {
		name string
		m    map[string]string
		want error
	}{
		{"bad value", map[string]string{"RPC_BACKWARD_k": "a\nb"}, metainfo.ErrControlChar},
		{"bad raw key", map[string]string{"a b": "v"}, metainfo.ErrInvalidKey},
		{"empty key", map[string]string{"RPC_BACKWARD_": "v"}, metainfo.ErrEmptyKey},
		{"both styles", map[string]string{"RPC_BACKWARD_k": "1", "k": "2"}, metainfo.ErrKeyCollision},
		{"too many", map[string]string{"a": "1", "b": "2", "c": "3"}, metainfo.ErrTooManyKeys},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := metainfo.WithBackwardValues(context.Background())
			metainfo.SetBackwardValue(client, "before", "kept")
			err := raw.BackwardFromMap(client, tc.m)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, map[string]string{"before": "kept"}, metainfo.RecvAllBackwardValues(client), "nothing stored")
		})
	}
}

// Zero or less gives each limit its default, as the zero rule says, not a
// limit of one.
func TestCodecLimitsZeroIsDefault(t *testing.T) {
	for _, n := range []int{0, -1} {
		codec := metainfo.NewCodec(metainfo.WithMaxKeys(8), metainfo.WithMaxKeys(n),
			metainfo.WithMaxKeyLen(n), metainfo.WithMaxValueLen(n))
		m := map[string]string{}
		for i := range metainfo.DefaultMaxKeys {
			m["RPC_PERSIST_k"+strconv.Itoa(i)] = strings.Repeat("v", 100)
		}
		_, err := codec.FromMap(context.Background(), m)
		require.NoError(t, err, "%d: DefaultMaxKeys entries of 100-byte values", n)
		m["RPC_TRANSIT_one_more"] = "v"
		_, err = codec.FromMap(context.Background(), m)
		assert.ErrorIs(t, err, metainfo.ErrTooManyKeys, "%d: one past DefaultMaxKeys", n)
	}
}
