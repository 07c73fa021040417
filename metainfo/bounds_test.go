package metainfo_test

import (
	"context"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/metainfo"
)

// allocated returns the bytes fn allocates, on average over n runs.
func allocated(n int, fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		fn()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(n)
}

// TestDecodersStayWithinLimits feeds the decoders far more than the limits
// allow: they refuse it, and what they allocate first stays bounded by the
// limits, not by the input.
func TestDecodersStayWithinLimits(t *testing.T) {
	if testing.CoverMode() != "" {
		t.Skip("coverage instrumentation changes allocation counts")
	}
	const entries = 10000
	long := strings.Repeat("v", 60000)
	m := map[string]string{}
	h := http.Header{}
	for i := range entries {
		k := "K" + strconv.Itoa(i)
		m[metainfo.PrefixPersistent+k] = long
		m[metainfo.PrefixBackward+k] = long
		h["Rpc-Persist-"+k] = []string{long}
		h["Rpc-Backward-"+k] = []string{long}
	}
	codec := metainfo.NewCodec(metainfo.WithMaxValueLen(metainfo.MaxWireLen))
	client := metainfo.WithBackwardValues(context.Background())
	const bound = 16 << 10 // the decoder's buffer for 128 entries, and the error
	for name, fn := range map[string]func() error{
		"FromMap": func() error { _, err := codec.FromMap(context.Background(), m); return err },
		"FromHTTPHeader": func() error {
			_, err := codec.FromHTTPHeader(context.Background(), h)
			return err
		},
		"BackwardFromMap":        func() error { return codec.BackwardFromMap(client, m) },
		"BackwardFromHTTPHeader": func() error { return codec.BackwardFromHTTPHeader(client, h) },
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, fn(), metainfo.ErrTooManyKeys)
			assert.Less(t, allocated(20, func() { _ = fn() }), uint64(bound))
		})
	}
	assert.Nil(t, metainfo.RecvAllBackwardValues(client))
}
