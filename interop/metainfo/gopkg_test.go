package metainfo_test

import (
	"context"
	"net/http"
	"testing"

	gopkg "github.com/bytedance/gopkg/cloud/metainfo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
)

// Kitex sends backward values under their own keys.
var kitexCodec = metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))

// TestGopkgThroughVoloToGopkg runs A (gopkg) -> B (volo) -> C (gopkg) over
// TTHeader string maps.
func TestGopkgThroughVoloToGopkg(t *testing.T) {
	a := gopkg.WithValue(context.Background(), "FROM_A", "a")
	a = gopkg.WithPersistentValue(a, "TENANT_ID", "acme")
	a = gopkg.WithPersistentValue(a, "lower_case", "kept")
	a = gopkg.WithBackwardValues(a)
	toB := kitexClientWrite(a)

	// B reads what gopkg wrote.
	b, err := kitexCodec.FromMap(context.Background(), toB)
	require.NoError(t, err)
	v, ok := metainfo.GetValue(b, "FROM_A")
	assert.True(t, ok)
	assert.Equal(t, "a", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "lower_case": "kept"}, metainfo.GetAllPersistentValues(b))
	b = metainfo.WithBackwardValuesToSend(b)

	// B calls C.
	call := metainfo.WithBackwardValues(metainfo.WithValue(b, "FROM_B", "b"))
	toC := map[string]string{"isn": "c"}
	require.NoError(t, kitexCodec.ToMap(call, toC))

	// C reads what volo wrote.
	c := kitexServerRead(toC)
	_, ok = gopkg.GetValue(c, "FROM_A")
	assert.False(t, ok, "A's transient value stopped at B")
	v, _ = gopkg.GetValue(c, "FROM_B")
	assert.Equal(t, "b", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "lower_case": "kept"}, gopkg.GetAllPersistentValues(c))
	gopkg.SendBackwardValue(c, "FROM_C", "c")

	// And C would send on only the persistent values.
	fromC := kitexClientWrite(c)
	assert.Equal(t, map[string]string{"isn": "callee", "RPC_PERSIST_TENANT_ID": "acme", "RPC_PERSIST_lower_case": "kept"}, fromC)

	// The responses travel back.
	require.NoError(t, kitexCodec.BackwardFromMap(call, kitexServerWrite(c)))
	v, _ = metainfo.RecvBackwardValue(call, "FROM_C")
	assert.Equal(t, "c", v)
	metainfo.SendBackwardValue(b, "FROM_B", "b")
	toA := map[string]string{}
	require.NoError(t, kitexCodec.BackwardToMap(b, toA))
	kitexClientRead(a, toA)
	assert.Equal(t, map[string]string{"FROM_B": "b"}, gopkg.RecvAllBackwardValues(a))
}

// TestVoloThroughGopkgToVolo runs A (volo) -> B (gopkg) -> C (volo) over
// TTHeader string maps.
func TestVoloThroughGopkgToVolo(t *testing.T) {
	a := metainfo.WithValue(context.Background(), "FROM_A", "a")
	a = metainfo.WithPersistentValues(a, "TENANT_ID", "acme", "lower_case", "kept")
	a = metainfo.WithBackwardValues(a)
	toB := map[string]string{}
	require.NoError(t, kitexCodec.ToMap(a, toB))

	// B reads what volo wrote.
	b := kitexServerRead(toB)
	v, _ := gopkg.GetValue(b, "FROM_A")
	assert.Equal(t, "a", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "lower_case": "kept"}, gopkg.GetAllPersistentValues(b))

	// B calls C.
	call := gopkg.WithBackwardValues(gopkg.WithValue(b, "FROM_B", "b"))
	toC := kitexClientWrite(call)

	// C reads what gopkg wrote.
	c, err := kitexCodec.FromMap(context.Background(), toC)
	require.NoError(t, err)
	_, ok := metainfo.GetValue(c, "FROM_A")
	assert.False(t, ok, "A's transient value stopped at B")
	v, _ = metainfo.GetValue(c, "FROM_B")
	assert.Equal(t, "b", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "lower_case": "kept"}, metainfo.GetAllPersistentValues(c))
	c = metainfo.WithBackwardValuesToSend(c)
	metainfo.SendBackwardValue(c, "FROM_C", "c")

	// The responses travel back.
	fromC := map[string]string{}
	require.NoError(t, kitexCodec.BackwardToMap(c, fromC))
	kitexClientRead(call, fromC)
	v, _ = gopkg.RecvBackwardValue(call, "FROM_C")
	assert.Equal(t, "c", v)
	gopkg.SendBackwardValue(b, "FROM_B", "b")
	require.NoError(t, kitexCodec.BackwardFromMap(a, kitexServerWrite(b)))
	assert.Equal(t, map[string]string{"FROM_B": "b"}, metainfo.RecvAllBackwardValues(a))
}

// TestPrefixedBackwardValues checks Volo's style against gopkg's reading of
// prefixed keys: gopkg treats every response key as a backward value, so a
// Kitex client sees the prefix.
func TestPrefixedBackwardValues(t *testing.T) {
	var volo metainfo.Codec
	server := metainfo.WithBackwardValuesToSend(context.Background())
	metainfo.SendBackwardValue(server, "K", "v")
	m := map[string]string{}
	require.NoError(t, volo.BackwardToMap(server, m))
	client := gopkg.WithBackwardValues(context.Background())
	kitexClientRead(client, m)
	assert.Equal(t, map[string]string{metainfo.PrefixBackward + "K": "v"}, gopkg.RecvAllBackwardValues(client),
		"so talk to Kitex clients with BackwardRaw")

	// A raw response read by a volo client in either style.
	raw := map[string]string{"K": "v", metainfo.PrefixBackward + "P": "w"}
	recv := metainfo.WithBackwardValues(context.Background())
	require.NoError(t, kitexCodec.BackwardFromMap(recv, raw))
	assert.Equal(t, map[string]string{"K": "v", "P": "w"}, metainfo.RecvAllBackwardValues(recv))
}

// TestGopkgHeadersThroughVoloToGopkg runs A (gopkg) -> B (volo) -> C
// (gopkg) over HTTP headers. Keys come back upper case with '_' in both
// libraries.
func TestGopkgHeadersThroughVoloToGopkg(t *testing.T) {
	a := gopkg.WithValue(context.Background(), "FROM_A", "a")
	a = gopkg.WithPersistentValue(a, "TENANT_ID", "acme")
	a = gopkg.WithPersistentValue(a, "trace-flag", "on")
	toB := kitexHTTPClientWrite(a)

	// B reads what gopkg wrote, from headers as net/http hands them over.
	canonical := http.Header{}
	for k, vs := range toB {
		canonical[http.CanonicalHeaderKey(k)] = vs
	}
	var volo metainfo.Codec
	b, err := volo.FromHTTPHeader(context.Background(), canonical)
	require.NoError(t, err)
	v, _ := metainfo.GetValue(b, "FROM_A")
	assert.Equal(t, "a", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "TRACE_FLAG": "on"}, metainfo.GetAllPersistentValues(b))

	// B calls C.
	toC := map[string][]string{}
	require.NoError(t, volo.ToHTTPHeader(metainfo.WithValue(b, "FROM_B", "b"), toC))

	// C reads what volo wrote.
	c := kitexHTTPServerRead(toC)
	_, ok := gopkg.GetValue(c, "FROM_A")
	assert.False(t, ok, "A's transient value stopped at B")
	v, _ = gopkg.GetValue(c, "FROM_B")
	assert.Equal(t, "b", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "TRACE_FLAG": "on"}, gopkg.GetAllPersistentValues(c))
}

// TestVoloHeadersThroughGopkgToVolo runs A (volo) -> B (gopkg) -> C (volo)
// over HTTP headers.
func TestVoloHeadersThroughGopkgToVolo(t *testing.T) {
	var volo metainfo.Codec
	a := metainfo.WithValue(context.Background(), "FROM_A", "a")
	a = metainfo.WithPersistentValues(a, "TENANT_ID", "acme", "user_id", "42")
	toB := map[string][]string{}
	require.NoError(t, volo.ToHTTPHeader(a, toB))

	// B reads what volo wrote.
	b := kitexHTTPServerRead(toB)
	v, _ := gopkg.GetValue(b, "FROM_A")
	assert.Equal(t, "a", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "USER_ID": "42"}, gopkg.GetAllPersistentValues(b))

	// B calls C.
	toC := kitexHTTPClientWrite(gopkg.WithValue(b, "FROM_B", "b"))

	// C reads what gopkg wrote.
	c, err := volo.FromHTTPHeader(context.Background(), toC)
	require.NoError(t, err)
	_, ok := metainfo.GetValue(c, "FROM_A")
	assert.False(t, ok, "A's transient value stopped at B")
	v, _ = metainfo.GetValue(c, "FROM_B")
	assert.Equal(t, "b", v)
	assert.Equal(t, map[string]string{"TENANT_ID": "acme", "USER_ID": "42"}, metainfo.GetAllPersistentValues(c))
}

// TestKitexDefaultGRPCMode reads headers from a Kitex gRPC client in its
// default mode, which also forwards the transient values it received:
// volo reads them as received values and does not send them on.
func TestKitexDefaultGRPCMode(t *testing.T) {
	server := kitexHTTPServerRead(map[string][]string{"rpc-transit-from-a": {"a"}})
	h := gopkg.HTTPHeader{}
	gopkg.ToHTTPHeader(gopkg.WithValue(server, "FROM_B", "b"), h)

	var volo metainfo.Codec
	c, err := volo.FromHTTPHeader(context.Background(), h)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"FROM_A": "a", "FROM_B": "b"}, metainfo.GetAllValues(c))
	out := map[string][]string{}
	require.NoError(t, volo.ToHTTPHeader(c, out))
	assert.Empty(t, out)
}

// TestWhatGopkgDropsVoloReports shows entries gopkg writes or drops
// without a word and volo refuses with an error naming them.
func TestWhatGopkgDropsVoloReports(t *testing.T) {
	var volo metainfo.Codec
	// gopkg ignores an empty value; volo keeps it and the encoder says so.
	assert.False(t, gopkg.HasMetaInfo(gopkg.WithValue(context.Background(), "K", "")))
	err := volo.ToMap(metainfo.WithValue(context.Background(), "K", ""), map[string]string{})
	assert.ErrorIs(t, err, metainfo.ErrEmptyValue)

	// gopkg drops a header value it cannot send; volo reports it.
	h := gopkg.HTTPHeader{}
	gopkg.ToHTTPHeader(gopkg.WithValue(context.Background(), "K", "a\r\nb"), h)
	assert.Empty(t, h)
	err = volo.ToHTTPHeader(metainfo.WithValue(context.Background(), "K", "a\r\nb"), map[string][]string{})
	assert.ErrorIs(t, err, metainfo.ErrControlChar)

	// gopkg reads a value with CR/LF from a map; volo refuses it.
	m := map[string]string{"RPC_TRANSIT_K": "a\r\nb"}
	v, _ := gopkg.GetValue(kitexServerRead(m), "K")
	assert.Equal(t, "a\r\nb", v)
	_, err = volo.FromMap(context.Background(), m)
	assert.ErrorIs(t, err, metainfo.ErrControlChar)
}
