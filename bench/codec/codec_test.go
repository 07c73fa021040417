package codec_test

import (
	"testing"
)

// sink keeps results alive so the compiler cannot drop the work.
var sink int

// BenchmarkEncode encodes one value into a buffer reused across iterations,
// sizing it first where the implementation does (BLength, ThriftSize).
func BenchmarkEncode(b *testing.B) {
	for _, tc := range cases(b) {
		for _, im := range impls {
			b.Run(tc.name+"/"+im.name, func(b *testing.B) {
				b.ReportAllocs()
				c := loaded(b, tc, im)
				var out []byte
				var err error
				for b.Loop() {
					if out, err = c.encode(); err != nil {
						b.Fatal(err)
					}
				}
				sink = len(out)
				checkEncode(b, tc, c)
			})
		}
	}
}

// BenchmarkDecode decodes one fixed encoding into a new value each time, as a
// server decodes requests; the values are kept past the decode, so they are
// allocated as a server's are.
func BenchmarkDecode(b *testing.B) {
	for _, tc := range cases(b) {
		for _, im := range impls {
			b.Run(tc.name+"/"+im.name, func(b *testing.B) {
				b.ReportAllocs()
				c := loaded(b, tc, im)
				for b.Loop() {
					if err := c.decode(tc.want); err != nil {
						b.Fatal(err)
					}
				}
				checkEncode(b, tc, c)
			})
		}
	}
}

// BenchmarkDecodeReused decodes into the same value each time: what a
// caller that recycles its values saves over BenchmarkDecode. Strings,
// slices and maps are still made anew by every implementation.
func BenchmarkDecodeReused(b *testing.B) {
	for _, tc := range cases(b) {
		for _, im := range impls {
			b.Run(tc.name+"/"+im.name, func(b *testing.B) {
				b.ReportAllocs()
				c := loaded(b, tc, im)
				for b.Loop() {
					if err := c.decodeReused(tc.want); err != nil {
						b.Fatal(err)
					}
				}
				checkEncode(b, tc, c)
			})
		}
	}
}
