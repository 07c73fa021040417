package metainfo_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	gopkg "github.com/bytedance/gopkg/cloud/metainfo"

	"github.com/govolo/volo/metainfo"
)

// The benchmarks run the same operation through volo's metainfo and
// bytedance/gopkg's cloud/metainfo side by side, on a context holding ten
// values. Sub-benchmarks are named lib=volo and lib=gopkg, so that
// "benchstat -col /lib" puts them in columns; with -count they alternate,
// so both see the same machine.

var (
	sinkCtx context.Context
	sinkStr string
	sinkOK  bool
)

func keys(prefix string) (ks, vs [10]string) {
	for i := range ks {
		ks[i] = prefix + "KEY_" + strconv.Itoa(i)
		vs[i] = "value-" + strconv.Itoa(i)
	}
	return ks, vs
}

// tenTransient holds ten transient values in each library.
func tenTransient() (volo, bd context.Context) {
	ks, vs := keys("T_")
	volo, bd = context.Background(), context.Background()
	for i := range ks {
		volo = metainfo.WithValue(volo, ks[i], vs[i])
		bd = gopkg.WithValue(bd, ks[i], vs[i])
	}
	return volo, bd
}

// tenMixed holds five persistent and five transient values in each library.
func tenMixed() (volo, bd context.Context) {
	ps, pv := keys("P_")
	ts, tv := keys("T_")
	volo, bd = context.Background(), context.Background()
	for i := range 5 {
		volo = metainfo.WithPersistentValue(volo, ps[i], pv[i])
		volo = metainfo.WithValue(volo, ts[i], tv[i])
		bd = gopkg.WithPersistentValue(bd, ps[i], pv[i])
		bd = gopkg.WithValue(bd, ts[i], tv[i])
	}
	return volo, bd
}

func BenchmarkWithValue(b *testing.B) {
	volo, bd := tenTransient()
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkCtx = metainfo.WithValue(volo, "NEW_KEY", "new-value")
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkCtx = gopkg.WithValue(bd, "NEW_KEY", "new-value")
		}
	})
}

func BenchmarkWithPersistentValue(b *testing.B) {
	volo, bd := tenMixed()
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkCtx = metainfo.WithPersistentValue(volo, "NEW_KEY", "new-value")
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkCtx = gopkg.WithPersistentValue(bd, "NEW_KEY", "new-value")
		}
	})
}

func BenchmarkGetValue(b *testing.B) {
	volo, bd := tenTransient()
	const key = "T_KEY_5" // the middle of the ten
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkStr, sinkOK = metainfo.GetValue(volo, key)
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkStr, sinkOK = gopkg.GetValue(bd, key)
		}
	})
}

func BenchmarkGetPersistentValue(b *testing.B) {
	volo, bd := tenMixed()
	const key = "P_KEY_2"
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkStr, sinkOK = metainfo.GetPersistentValue(volo, key)
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkStr, sinkOK = gopkg.GetPersistentValue(bd, key)
		}
	})
}

// BenchmarkToMap encodes a request's metainfo into a TTHeader string map
// that is reused, as a transport with a pooled header map does. The same
// context is encoded each time, as for fan-out or retries: volo memoizes
// its checks and key names on the context, gopkg starts over.
func BenchmarkToMap(b *testing.B) {
	volo, bd := tenMixed()
	m := make(map[string]string, 16)
	codec := metainfo.NewCodec()
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(m)
			if err := codec.ToMap(volo, m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(m)
			gopkg.SaveMetaInfoToMap(bd, m)
		}
	})
}

// BenchmarkWithValueToMap adds a value and encodes the new context, the
// first encoding of a context, where volo has nothing memoized yet.
func BenchmarkWithValueToMap(b *testing.B) {
	volo, bd := tenMixed()
	m := make(map[string]string, 16)
	codec := metainfo.NewCodec()
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(m)
			if err := codec.ToMap(metainfo.WithValue(volo, "NEW_KEY", "new-value"), m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(m)
			gopkg.SaveMetaInfoToMap(gopkg.WithValue(bd, "NEW_KEY", "new-value"), m)
		}
	})
}

// BenchmarkFromMap decodes a request's TTHeader string map on the server
// side; for gopkg that is SetMetaInfoFromMap then TransferForward, as Kitex
// does.
func BenchmarkFromMap(b *testing.B) {
	_, bd := tenMixed()
	m := map[string]string{"isn": "svc", "rip": "10.0.0.1:8888"}
	gopkg.SaveMetaInfoToMap(bd, m)
	codec := metainfo.NewCodec()
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, err := codec.FromMap(context.Background(), m)
			if err != nil {
				b.Fatal(err)
			}
			sinkCtx = ctx
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkCtx = gopkg.TransferForward(gopkg.SetMetaInfoFromMap(context.Background(), m))
		}
	})
}

// requestHeader is what a server sees: ten metainfo headers, canonicalized
// by net/http, among ordinary ones.
func requestHeader() http.Header {
	_, bd := tenMixed()
	h := http.Header{
		"Content-Type":   {"application/grpc"},
		"User-Agent":     {"grpc-go/1.70.0"},
		"Te":             {"trailers"},
		"Grpc-Timeout":   {"999m"},
		"Content-Length": {"42"},
	}
	gopkg.ToHTTPHeader(bd, gopkg.HTTPHeader(h))
	canonical := http.Header{}
	for k, vs := range h {
		canonical[http.CanonicalHeaderKey(k)] = vs
	}
	return canonical
}

// BenchmarkFromHTTPHeader decodes a request's headers on the server side;
// for gopkg that is FromHTTPHeader then TransferForward, as Kitex does.
func BenchmarkFromHTTPHeader(b *testing.B) {
	h := requestHeader()
	codec := metainfo.NewCodec()
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, err := codec.FromHTTPHeader(context.Background(), h)
			if err != nil {
				b.Fatal(err)
			}
			sinkCtx = ctx
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			sinkCtx = gopkg.TransferForward(gopkg.FromHTTPHeader(context.Background(), gopkg.HTTPHeader(h)))
		}
	})
}

// BenchmarkToHTTPHeader encodes a request's metainfo into headers that are
// reused.
func BenchmarkToHTTPHeader(b *testing.B) {
	volo, bd := tenMixed()
	h := make(http.Header, 16)
	codec := metainfo.NewCodec()
	b.Run("lib=volo", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(h)
			if err := codec.ToHTTPHeader(volo, h); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lib=gopkg", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			clear(h)
			gopkg.ToHTTPHeader(gopkg.TransferForward(bd), gopkg.HTTPHeader(h))
		}
	})
}
