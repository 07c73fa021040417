package grpc

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestTimeoutRoundTrip(t *testing.T) {
	for _, d := range []time.Duration{time.Nanosecond, 99999999, 100000000, time.Second, 1500 * time.Millisecond, 10 * time.Hour, math.MaxInt64} {
		s := EncodeTimeout(d)
		if len(s) > 9 {
			t.Fatalf("%v: %q has more than 8 digits", d, s)
		}
		got, err := DecodeTimeout(s)
		if err != nil {
			t.Fatalf("%v: %q: %v", d, s, err)
		}
		if got < d {
			t.Errorf("%v: %q decodes to %v, earlier than the caller's deadline", d, s, got)
		}
	}
	if s := EncodeTimeout(-time.Second); s != "1n" {
		t.Errorf("negative: %q", s)
	}
}

func TestDecodeTimeoutErrors(t *testing.T) {
	for _, s := range []string{"", "1", "S", "123456789S", "1x", "-1S", "1 S"} {
		if _, err := DecodeTimeout(s); !errors.Is(err, errBadTimeout) {
			t.Errorf("%q: %v", s, err)
		}
	}
	if d, err := DecodeTimeout("99999999H"); err != nil || d != math.MaxInt64 {
		t.Errorf("clamp: %v %v", d, err)
	}
}

func FuzzDecodeTimeout(f *testing.F) {
	f.Add("1S")
	f.Add("99999999H")
	f.Add("5m")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := DecodeTimeout(s)
		if err == nil && d < 0 {
			t.Fatalf("%q decodes to %v", s, d)
		}
	})
}
