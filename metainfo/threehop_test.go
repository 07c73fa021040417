package metainfo_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/metainfo"
)

// A transport carries one call in memory through one wire form, as a
// client and a server framework would: the request's metainfo out and the
// response's backward values back.
type transport interface {
	call(t *testing.T, ctx context.Context, handler func(context.Context)) context.Context
}

// ttheader carries metainfo in a TTHeader-style string map.
type ttheader struct{ codec *metainfo.Codec }

func (w ttheader) call(t *testing.T, ctx context.Context, handler func(context.Context)) context.Context {
	t.Helper()
	ctx = metainfo.WithBackwardValues(ctx)
	request := map[string]string{"isn": "callee"}
	require.NoError(t, w.codec.ToMap(ctx, request))

	server, err := w.codec.FromMap(context.Background(), request)
	require.NoError(t, err)
	server = metainfo.WithBackwardValuesToSend(server)
	handler(server)
	response := map[string]string{}
	require.NoError(t, w.codec.BackwardToMap(server, response))

	require.NoError(t, w.codec.BackwardFromMap(ctx, response))
	return ctx
}

// headers carries metainfo in HTTP or gRPC headers.
type headers struct{ codec *metainfo.Codec }

func (w headers) call(t *testing.T, ctx context.Context, handler func(context.Context)) context.Context {
	t.Helper()
	ctx = metainfo.WithBackwardValues(ctx)
	request := map[string][]string{"content-type": {"application/grpc"}}
	require.NoError(t, w.codec.ToHTTPHeader(ctx, request))

	server, err := w.codec.FromHTTPHeader(context.Background(), request)
	require.NoError(t, err)
	server = metainfo.WithBackwardValuesToSend(server)
	handler(server)
	response := map[string][]string{}
	require.NoError(t, w.codec.BackwardToHTTPHeader(server, response))

	require.NoError(t, w.codec.BackwardFromHTTPHeader(ctx, response))
	return ctx
}

// TestThreeHops sends a request from service A through B to C: the
// transient value A sets reaches B only, the persistent value reaches C,
// and backward values come back to each caller. Keys are upper case with
// '_', which both wire forms keep as they are.
func TestThreeHops(t *testing.T) {
	prefixed := metainfo.NewCodec()
	raw := metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))
	for _, tc := range []struct {
		name       string
		aToB, bToC transport
	}{
		{"ttheader then headers", ttheader{prefixed}, headers{prefixed}},
		{"headers then ttheader", headers{prefixed}, ttheader{raw}},
		{"ttheader twice, Kitex style", ttheader{raw}, ttheader{raw}},
		{"headers twice", headers{prefixed}, headers{prefixed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			serviceC := func(ctx context.Context) {
				_, ok := metainfo.GetValue(ctx, "FROM_A")
				assert.False(t, ok, "A's transient value stopped at B")
				v, ok := metainfo.GetValue(ctx, "FROM_B")
				assert.True(t, ok, "B's transient value reached C")
				assert.Equal(t, "b", v)
				v, ok = metainfo.GetPersistentValue(ctx, "TENANT_ID")
				assert.True(t, ok, "the persistent value reached the third service")
				assert.Equal(t, "acme", v)
				assert.True(t, metainfo.SendBackwardValue(ctx, "C_COST", "7"))
			}
			serviceB := func(ctx context.Context) {
				v, ok := metainfo.GetValue(ctx, "FROM_A")
				assert.True(t, ok, "B reads A's transient value")
				assert.Equal(t, "a", v)
				v, _ = metainfo.GetPersistentValue(ctx, "TENANT_ID")
				assert.Equal(t, "acme", v)

				out := tc.bToC.call(t, metainfo.WithValue(ctx, "FROM_B", "b"), serviceC)
				cost, ok := metainfo.RecvBackwardValue(out, "C_COST")
				assert.True(t, ok, "C's backward value reached B")
				assert.True(t, metainfo.SendBackwardValues(ctx, "B_COST", "3", "C_COST_SEEN_BY_B", cost))
			}

			a := metainfo.WithValue(context.Background(), "FROM_A", "a")
			a = metainfo.WithPersistentValue(a, "TENANT_ID", "acme")
			a = tc.aToB.call(t, a, serviceB)

			assert.Equal(t, map[string]string{"B_COST": "3", "C_COST_SEEN_BY_B": "7"}, metainfo.RecvAllBackwardValues(a),
				"backward values reached the caller")
			_, ok := metainfo.RecvBackwardValue(a, "C_COST")
			assert.False(t, ok, "backward values go back one hop")
		})
	}
}
