package codec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every implementation decodes Apache's encoding of every case and encodes
// it back to bytes Apache decodes to the same value, through each of the
// codec's methods: the benchmarks measure the same work.
func TestImplsAgree(t *testing.T) {
	for _, tc := range cases(t) {
		for _, im := range impls {
			t.Run(tc.name+"/"+im.name, func(t *testing.T) {
				c := loaded(t, tc, im)
				for range 3 {
					require.NoError(t, c.decodeReused(tc.want))
					checkEncode(t, tc, c)
				}
				require.NoError(t, c.decode(tc.want))
				checkEncode(t, tc, c)
			})
		}
	}
}

// Encoding allocates nothing for the implementations that promise it, and
// the benchmark adds no allocation of its own.
func TestEncodeAllocs(t *testing.T) {
	for _, tc := range cases(t) {
		for _, im := range impls {
			if !im.allocFreeEncode {
				continue
			}
			t.Run(tc.name+"/"+im.name, func(t *testing.T) {
				c := loaded(t, tc, im)
				allocs := testing.AllocsPerRun(100, func() { _, _ = c.encode() })
				assert.Zero(t, allocs)
			})
		}
	}
}

// Every impl has a codec for every case.
func TestImplsComplete(t *testing.T) {
	for _, tc := range cases(t) {
		for _, im := range impls {
			assert.NotNil(t, tc.codec(im), "%s has no codec for %s", im.name, tc.name)
		}
	}
	names := map[string]bool{}
	for _, im := range impls {
		assert.False(t, names[im.name], "two impls named %s", im.name)
		names[im.name] = true
	}
}
