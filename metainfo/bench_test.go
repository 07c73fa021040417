package metainfo_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/govolo/volo/metainfo"
)

// These benchmarks cover the module alone, on a context holding ten values
// (five persistent, five transient). The comparison with bytedance/gopkg
// runs in the interop module; see BENCHMARKS.md.

var (
	benchCtx context.Context
	benchStr string
	benchOK  bool
)

func BenchmarkWithValue(b *testing.B) {
	ctx := tenValues()
	b.ReportAllocs()
	for b.Loop() {
		benchCtx = metainfo.WithValue(ctx, "NEW_KEY", "new-value")
	}
}

func BenchmarkGetValue(b *testing.B) {
	ctx := tenValues()
	b.ReportAllocs()
	for b.Loop() {
		benchStr, benchOK = metainfo.GetValue(ctx, "T_KEY_2")
	}
}

func BenchmarkGetPersistentValue(b *testing.B) {
	ctx := tenValues()
	b.ReportAllocs()
	for b.Loop() {
		benchStr, benchOK = metainfo.GetPersistentValue(ctx, "P_KEY_2")
	}
}

func BenchmarkValues(b *testing.B) {
	ctx := tenValues()
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range metainfo.Values(ctx) {
			benchStr = v
		}
	}
}

// BenchmarkToMap encodes the same context again, as fan-out and retries
// do: the checks and key names are memoized on the context.
func BenchmarkToMap(b *testing.B) {
	ctx := tenValues()
	var codec metainfo.Codec
	m := make(map[string]string, 16)
	b.ReportAllocs()
	for b.Loop() {
		clear(m)
		_ = codec.ToMap(ctx, m)
	}
}

// BenchmarkWithValueToMap adds a value and encodes the new context, so
// nothing is memoized yet.
func BenchmarkWithValueToMap(b *testing.B) {
	ctx := tenValues()
	var codec metainfo.Codec
	m := make(map[string]string, 16)
	b.ReportAllocs()
	for b.Loop() {
		clear(m)
		_ = codec.ToMap(metainfo.WithValue(ctx, "NEW_KEY", "new-value"), m)
	}
}

func BenchmarkEncodeForward(b *testing.B) {
	ctx := tenValues()
	var codec metainfo.Codec
	n := 0
	write := func(prefix, key, value string) error {
		n += len(prefix) + len(key) + len(value)
		return nil
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = codec.EncodeForward(ctx, write)
	}
}

func BenchmarkFromMap(b *testing.B) {
	var codec metainfo.Codec
	m := map[string]string{"isn": "svc", "rip": "10.0.0.1:8888"}
	_ = codec.ToMap(tenValues(), m)
	b.ReportAllocs()
	for b.Loop() {
		benchCtx, _ = codec.FromMap(context.Background(), m)
	}
}

func BenchmarkToHTTPHeader(b *testing.B) {
	ctx := tenValues()
	var codec metainfo.Codec
	h := make(http.Header, 16)
	b.ReportAllocs()
	for b.Loop() {
		clear(h)
		_ = codec.ToHTTPHeader(ctx, h)
	}
}

func BenchmarkFromHTTPHeader(b *testing.B) {
	var codec metainfo.Codec
	h := http.Header{"Content-Type": {"application/grpc"}, "Te": {"trailers"}}
	_ = codec.ToHTTPHeader(tenValues(), h)
	canonical := http.Header{}
	for k, vs := range h {
		canonical[http.CanonicalHeaderKey(k)] = vs
	}
	b.ReportAllocs()
	for b.Loop() {
		benchCtx, _ = codec.FromHTTPHeader(context.Background(), canonical)
	}
}
