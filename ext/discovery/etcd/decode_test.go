package etcd

import (
	"errors"
	"maps"
	"testing"

	"github.com/govolo/volo/ext/discovery"
)

func TestDecodeRejectsWhatIsNotAnInstance(t *testing.T) {
	for _, value := range []string{``, `{`, `[]`, `"10.0.0.1:80"`, `{"weight": 5}`, `{"addr": ""}`, `{"addr": 7}`} {
		if _, err := decode("/k", []byte(value)); !errors.Is(err, ErrBadInstance) {
			t.Errorf("decode(%q) = %v, want ErrBadInstance", value, err)
		}
	}
}

// FuzzDecode feeds arbitrary stored values to the decoder: it must return
// an instance with an address or an ErrBadInstance, never panic, and what
// it returns must survive encoding and decoding again.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"addr":"10.0.0.1:8080"}`,
		`{"addr":"10.0.0.1:8080","weight":50,"tags":{"zone":"east"}}`,
		`{"addr":"[::1]:80","weight":-3}`,
		`{"addr":"x","weight":1e400}`,
		`{"addr":"x","tags":{"a":null}}`,
		`{"addr":"x","addr":""}`,
		`{"weight":5}`,
		`[1,2,3]`,
		``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, value []byte) {
		in, err := decode("/svc/x", value)
		if err != nil {
			if !errors.Is(err, ErrBadInstance) {
				t.Fatalf("error %v does not wrap ErrBadInstance", err)
			}
			return
		}
		if in.Addr == "" {
			t.Fatal("decoded an instance without an address")
		}
		enc, err := encode(in)
		if err != nil {
			t.Fatalf("encode %+v: %v", in, err)
		}
		again, err := decode("/svc/x", []byte(enc))
		if err != nil {
			t.Fatalf("decode of re-encoded %q: %v", enc, err)
		}
		if !sameInstance(in, again) {
			t.Fatalf("round trip changed %+v into %+v", in, again)
		}
	})
}

func sameInstance(a, b discovery.Instance) bool {
	return a.Addr == b.Addr && a.Weight == b.Weight && maps.Equal(a.Tags, b.Tags)
}
