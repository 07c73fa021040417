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

// tenValues returns a context holding five persistent and five transient
// values.
func tenValues() context.Context {
	ctx := context.Background()
	for i := range 5 {
		ctx = metainfo.WithPersistentValue(ctx, "P_KEY_"+strconv.Itoa(i), "persistent-"+strconv.Itoa(i))
		ctx = metainfo.WithValue(ctx, "T_KEY_"+strconv.Itoa(i), "transient-"+strconv.Itoa(i))
	}
	return ctx
}

func TestAllocs(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation changes allocation counts")
	}
	ctx := tenValues()
	require.Equal(t, 10, metainfo.CountValues(ctx)+metainfo.CountPersistentValues(ctx))
	var sink context.Context
	codec := metainfo.NewCodec()
	m := make(map[string]string, 16)
	wire := map[string]string{"isn": "svc"}
	require.NoError(t, codec.ToMap(ctx, wire))
	header := http.Header{"Content-Type": {"application/grpc"}}
	require.NoError(t, codec.ToHTTPHeader(ctx, header))
	cases := []struct {
		name string
		want float64
		fn   func()
	}{
		{"GetValue", 0, func() { _, _ = metainfo.GetValue(ctx, "T_KEY_4") }},
		{"GetValue/absent", 0, func() { _, _ = metainfo.GetValue(ctx, "absent") }},
		{"GetPersistentValue", 0, func() { _, _ = metainfo.GetPersistentValue(ctx, "P_KEY_4") }},
		{"WithValue", 1, func() { sink = metainfo.WithValue(ctx, "NEW", "v") }},
		{"WithValue/replace", 1, func() { sink = metainfo.WithValue(ctx, "T_KEY_0", "v") }},
		{"WithPersistentValue", 1, func() { sink = metainfo.WithPersistentValue(ctx, "NEW", "v") }},
		{"WithValues", 1, func() { sink = metainfo.WithValues(ctx, "A", "1", "B", "2") }},
		{"DelValue", 1, func() { sink = metainfo.DelValue(ctx, "T_KEY_0") }},
		{"TransferForward", 1, func() { sink = metainfo.TransferForward(ctx) }},
		{"Values", 0, func() {
			for k, v := range metainfo.Values(ctx) {
				_, _ = k, v
			}
		}},
		{"PersistentValues", 0, func() {
			for k, v := range metainfo.PersistentValues(ctx) {
				_, _ = k, v
			}
		}},
		{"EncodeForward", 0, func() {
			_ = codec.EncodeForward(ctx, func(prefix, key, value string) error { return nil })
		}},
		{"ToMap/again", 0, func() {
			clear(m)
			_ = codec.ToMap(ctx, m)
		}},
		{"ToMap/fresh", 3, func() { // WithValue, then the names string and its pointer
			clear(m)
			_ = codec.ToMap(metainfo.WithValue(ctx, "NEW", "v"), m)
		}},
		{"FromMap", 1, func() {
			sink, _ = codec.FromMap(context.Background(), wire)
		}},
		{"FromHTTPHeader", 2, func() { // the node and the keys
			sink, _ = codec.FromHTTPHeader(context.Background(), header)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, testing.AllocsPerRun(100, c.fn))
		})
	}
	_ = sink
}

func TestAllocsBackward(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation changes allocation counts")
	}
	ctx := metainfo.WithBackwardValuesToSend(context.Background())
	for i := range 10 {
		metainfo.SendBackwardValue(ctx, "K"+strconv.Itoa(i), "v")
	}
	recv := metainfo.WithBackwardValues(context.Background())
	metainfo.SetBackwardValues(recv, "K", "v")
	raw := metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))
	m := make(map[string]string, 16)
	cases := []struct {
		name string
		want float64
		fn   func()
	}{
		{"EncodeBackward", 0, func() {
			_ = raw.EncodeBackward(ctx, func(prefix, key, value string) error { return nil })
		}},
		{"BackwardToMap/raw", 0, func() {
			clear(m)
			_ = raw.BackwardToMap(ctx, m)
		}},
		{"RecvBackwardValue", 0, func() { _, _ = metainfo.RecvBackwardValue(recv, "K") }},
		{"BackwardValuesToSend", 0, func() {
			for k, v := range metainfo.BackwardValuesToSend(ctx) {
				_, _ = k, v
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, testing.AllocsPerRun(100, c.fn))
		})
	}
}
