package metainfo_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/govolo/volo/metainfo"
)

// Fuzz inputs are a byte string cut into entries: a selector byte, then a
// length-prefixed key and a length-prefixed value. The selector's low bits
// pick a prefix for the key, so most entries reach the decoders' metainfo
// paths; for headers its next bits pick how many values the header has.

var mapPrefixes = []string{
	"", metainfo.PrefixPersistent, metainfo.PrefixTransient,
	metainfo.PrefixTransientUpstream, metainfo.PrefixBackward, "RPC_",
}

var headerPrefixes = []string{
	"", metainfo.HTTPPrefixPersistent, metainfo.HTTPPrefixTransient, metainfo.HTTPPrefixBackward,
	"Rpc-Persist-", "RPC-TRANSIT-", "Rpc-Backward-", "rpc-",
}

type fuzzEntry struct {
	selector   byte
	key, value string
}

func parseFuzz(data []byte) []fuzzEntry {
	var out []fuzzEntry
	next := func(n int) string {
		n = min(n, len(data))
		s := string(data[:n])
		data = data[n:]
		return s
	}
	for len(data) >= 3 {
		sel := data[0]
		data = data[1:]
		key := next(int(data[0]) + 1)[1:]
		if len(data) == 0 {
			break
		}
		value := next(int(data[0]) + 1)[1:]
		out = append(out, fuzzEntry{sel, key, value})
	}
	return out
}

func fuzzMap(data []byte) map[string]string {
	m := map[string]string{}
	for _, e := range parseFuzz(data) {
		m[mapPrefixes[int(e.selector)%len(mapPrefixes)]+e.key] = e.value
	}
	return m
}

func fuzzHeader(data []byte) http.Header {
	h := http.Header{}
	for _, e := range parseFuzz(data) {
		name := headerPrefixes[int(e.selector)%len(headerPrefixes)] + e.key
		switch (e.selector >> 3) % 4 {
		case 0:
			h[name] = nil
		case 1:
			h[name] = []string{e.value, e.value}
		default:
			h[name] = []string{e.value}
		}
	}
	return h
}

// encodeFuzz is parseFuzz's inverse, for seeds.
func encodeFuzz(entries ...fuzzEntry) []byte {
	var b []byte
	for _, e := range entries {
		b = append(b, e.selector, byte(len(e.key)))
		b = append(b, e.key...)
		b = append(b, byte(len(e.value)))
		b = append(b, e.value...)
	}
	return b
}

func fuzzSeeds() [][]byte {
	return [][]byte{
		encodeFuzz(fuzzEntry{1, "p", "1"}, fuzzEntry{2, "t", "2"}, fuzzEntry{0, "isn", "svc"}),
		encodeFuzz(fuzzEntry{3, "u", "1"}, fuzzEntry{2, "u", "2"}),
		encodeFuzz(fuzzEntry{4, "b", "1"}, fuzzEntry{0, "raw", "2"}, fuzzEntry{1, "k", "a\r\nb"}),
		encodeFuzz(fuzzEntry{2 + 8*2, "user_id", "42"}, fuzzEntry{5 + 8*2, "USER-ID", "43"}),
		encodeFuzz(fuzzEntry{1 + 8*1, "k", "twice"}, fuzzEntry{6, "", "x"}, fuzzEntry{3, "b", " v "}),
	}
}

// known reports whether err is one of the package's entry errors.
func known(err error) bool {
	var e *metainfo.Error
	return errors.As(err, &e)
}

func FuzzFromMap(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, byte(8))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxKeys byte) {
		m := fuzzMap(data)
		codec := metainfo.NewCodec(metainfo.WithMaxKeys(int(maxKeys)), metainfo.WithMaxKeyLen(64), metainfo.WithMaxValueLen(128))
		bg := context.Background()
		ctx, err := codec.FromMap(bg, m)
		if err != nil {
			if !known(err) || ctx != bg {
				t.Fatalf("FromMap: %v", err)
			}
			return
		}
		want := map[string]string{}
		for k, v := range m {
			switch {
			case strings.HasPrefix(k, metainfo.PrefixPersistent):
				want[k] = v
				if got, _ := metainfo.GetPersistentValue(ctx, k[len(metainfo.PrefixPersistent):]); got != v {
					t.Fatalf("persistent %q: got %q, want %q", k, got, v)
				}
			case strings.HasPrefix(k, metainfo.PrefixTransientUpstream):
				if got, _ := metainfo.GetValue(ctx, k[len(metainfo.PrefixTransientUpstream):]); got != v {
					t.Fatalf("upstream %q: got %q, want %q", k, got, v)
				}
			case strings.HasPrefix(k, metainfo.PrefixTransient):
				if got, _ := metainfo.GetValue(ctx, k[len(metainfo.PrefixTransient):]); got != v {
					t.Fatalf("transient %q: got %q, want %q", k, got, v)
				}
			}
		}
		out := map[string]string{}
		if err := codec.ToMap(ctx, out); err != nil {
			t.Fatalf("decoded values do not encode: %v", err)
		}
		if len(out) != len(want) {
			t.Fatalf("sent on %v, want %v", out, want)
		}
		for k, v := range want {
			if out[k] != v {
				t.Fatalf("sent on %v, want %v", out, want)
			}
		}
	})
}

func FuzzBackwardFromMap(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, true, byte(8))
		f.Add(s, false, byte(8))
	}
	f.Fuzz(func(t *testing.T, data []byte, raw bool, maxKeys byte) {
		m := fuzzMap(data)
		style := metainfo.BackwardPrefixed
		if raw {
			style = metainfo.BackwardRaw
		}
		codec := metainfo.NewCodec(metainfo.WithBackwardStyle(style), metainfo.WithMaxKeys(int(maxKeys)),
			metainfo.WithMaxKeyLen(64), metainfo.WithMaxValueLen(128))
		client := metainfo.WithBackwardValues(context.Background())
		if err := codec.BackwardFromMap(client, m); err != nil {
			if !known(err) || metainfo.RecvAllBackwardValues(client) != nil {
				t.Fatalf("BackwardFromMap: %v", err)
			}
			return
		}
		got := metainfo.RecvAllBackwardValues(client)
		server := metainfo.WithBackwardValuesToSend(context.Background())
		metainfo.SendBackwardValuesFromMap(server, got)
		out := map[string]string{}
		if err := codec.BackwardToMap(server, out); err != nil {
			t.Fatalf("received values do not encode: %v", err)
		}
		again := metainfo.WithBackwardValues(context.Background())
		if err := codec.BackwardFromMap(again, out); err != nil {
			t.Fatalf("re-encoded values do not decode: %v", err)
		}
		if a, b := metainfo.RecvAllBackwardValues(again), got; len(a) != len(b) {
			t.Fatalf("round trip: %v, want %v", a, b)
		}
	})
}

func FuzzFromHTTPHeader(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, byte(8))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxKeys byte) {
		h := fuzzHeader(data)
		codec := metainfo.NewCodec(metainfo.WithMaxKeys(int(maxKeys)), metainfo.WithMaxKeyLen(64), metainfo.WithMaxValueLen(128))
		bg := context.Background()
		ctx, err := codec.FromHTTPHeader(bg, h)
		if err != nil {
			if !known(err) || ctx != bg {
				t.Fatalf("FromHTTPHeader: %v", err)
			}
			return
		}
		out := http.Header{}
		if err := codec.ToHTTPHeader(ctx, out); err != nil {
			t.Fatalf("decoded values do not encode: %v", err)
		}
		if err := codec.ToMap(ctx, map[string]string{}); err != nil {
			t.Fatalf("decoded values do not encode to a map: %v", err)
		}
		again, err := codec.FromHTTPHeader(bg, out)
		if err != nil {
			t.Fatalf("re-encoded headers do not decode: %v", err)
		}
		for k, v := range metainfo.PersistentValues(ctx) {
			if got, _ := metainfo.GetPersistentValue(again, k); got != v {
				t.Fatalf("persistent %q: got %q, want %q", k, got, v)
			}
		}
		if metainfo.CountValues(again) != 0 {
			t.Fatal("received transient values were sent on")
		}
	})
}

func FuzzBackwardFromHTTPHeader(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, byte(8))
	}
	f.Fuzz(func(t *testing.T, data []byte, maxKeys byte) {
		h := fuzzHeader(data)
		codec := metainfo.NewCodec(metainfo.WithMaxKeys(int(maxKeys)), metainfo.WithMaxKeyLen(64), metainfo.WithMaxValueLen(128))
		client := metainfo.WithBackwardValues(context.Background())
		if err := codec.BackwardFromHTTPHeader(client, h); err != nil {
			if !known(err) || metainfo.RecvAllBackwardValues(client) != nil {
				t.Fatalf("BackwardFromHTTPHeader: %v", err)
			}
			return
		}
		got := metainfo.RecvAllBackwardValues(client)
		server := metainfo.WithBackwardValuesToSend(context.Background())
		metainfo.SendBackwardValuesFromMap(server, got)
		out := http.Header{}
		if err := codec.BackwardToHTTPHeader(server, out); err != nil {
			t.Fatalf("received values do not encode: %v", err)
		}
		again := metainfo.WithBackwardValues(context.Background())
		if err := codec.BackwardFromHTTPHeader(again, out); err != nil {
			t.Fatalf("re-encoded headers do not decode: %v", err)
		}
		for k, v := range got {
			if g, _ := metainfo.RecvBackwardValue(again, k); g != v {
				t.Fatalf("backward %q: got %q, want %q", k, g, v)
			}
		}
	})
}
