package metainfo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/govolo/volo/metainfo"
)

// keyForm is the key a header name decodes to: upper case, '_' for '-'.
func keyForm(k string) string {
	return strings.ReplaceAll(strings.ToUpper(k), "-", "_")
}

// FuzzRoundTrip starts where the decoder targets end: values set in a
// context with arbitrary keys and values. Whatever an encoder accepts, the
// matching decoder must accept and read back unchanged (keys in header form
// for HTTP), so no value is lost between two services.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, raw bool) {
		style := metainfo.BackwardPrefixed
		if raw {
			style = metainfo.BackwardRaw
		}
		codec := metainfo.NewCodec(metainfo.WithBackwardStyle(style), metainfo.WithMaxKeys(16),
			metainfo.WithMaxKeyLen(64), metainfo.WithMaxValueLen(128))
		ctx := context.Background()
		server := metainfo.WithBackwardValuesToSend(ctx)
		for _, e := range parseFuzz(data) {
			switch e.selector % 3 {
			case 0:
				ctx = metainfo.WithPersistentValue(ctx, e.key, e.value)
			case 1:
				ctx = metainfo.WithValue(ctx, e.key, e.value)
			case 2:
				metainfo.SendBackwardValue(server, e.key, e.value)
			}
		}
		persistent, transient := metainfo.GetAllPersistentValues(ctx), metainfo.GetAllValues(ctx)
		backward := metainfo.AllBackwardValuesToSend(server)
		bg := context.Background()

		m := map[string]string{}
		if err := codec.ToMap(ctx, m); err == nil {
			got, err := codec.FromMap(bg, m)
			if err != nil {
				t.Fatalf("FromMap(ToMap) = %v for %q", err, m)
			}
			sameValues(t, "map persistent", persistent, metainfo.GetAllPersistentValues(got), false)
			sameValues(t, "map transient", transient, metainfo.GetAllValues(got), false)
		} else if !known(err) {
			t.Fatalf("ToMap: %v", err)
		}

		h := http.Header{}
		if err := codec.ToHTTPHeader(ctx, h); err == nil {
			got, err := codec.FromHTTPHeader(bg, h)
			if err != nil {
				t.Fatalf("FromHTTPHeader(ToHTTPHeader) = %v for %q", err, h)
			}
			sameValues(t, "header persistent", persistent, metainfo.GetAllPersistentValues(got), true)
			sameValues(t, "header transient", transient, metainfo.GetAllValues(got), true)
		} else if !known(err) {
			t.Fatalf("ToHTTPHeader: %v", err)
		}

		bm := map[string]string{}
		if err := codec.BackwardToMap(server, bm); err == nil {
			client := metainfo.WithBackwardValues(bg)
			if err := codec.BackwardFromMap(client, bm); err != nil {
				t.Fatalf("BackwardFromMap(BackwardToMap) = %v for %q", err, bm)
			}
			sameValues(t, "map backward", backward, metainfo.RecvAllBackwardValues(client), false)
		} else if !known(err) {
			t.Fatalf("BackwardToMap: %v", err)
		}

		bh := http.Header{}
		if err := codec.BackwardToHTTPHeader(server, bh); err == nil {
			client := metainfo.WithBackwardValues(bg)
			if err := codec.BackwardFromHTTPHeader(client, bh); err != nil {
				t.Fatalf("BackwardFromHTTPHeader(BackwardToHTTPHeader) = %v for %q", err, bh)
			}
			sameValues(t, "header backward", backward, metainfo.RecvAllBackwardValues(client), true)
		} else if !known(err) {
			t.Fatalf("BackwardToHTTPHeader: %v", err)
		}
	})
}

func sameValues(t *testing.T, what string, want, got map[string]string, header bool) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %q, want %q", what, got, want)
	}
	for k, v := range want {
		if header {
			k = keyForm(k)
		}
		if g, ok := got[k]; !ok || g != v {
			t.Fatalf("%s: got %q, want %q", what, got, want)
		}
	}
}
