package server_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
	"github.com/govolo/volo/volo/volotest"
)

// writeCalls returns the write system calls the process has made
// (/proc/self/io), or skips the test where the system does not tell.
func writeCalls(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/io")
	if err != nil {
		t.Skipf("no write count here: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "syscw: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(t, err)
			return n
		}
	}
	t.Skip("no write count here")
	return 0
}

// Replies that are ready together go out together: 64 pipelined calls
// that all finish at once are answered in far fewer writes than 64.
func TestRepliesReadyTogetherShareWrites(t *testing.T) {
	const n = 64
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, newBarrier(n), quiet)
	c := dialRaw(t, ln.Addr().String())
	reqs := pipelined(t, frame.Framed, n)
	before := writeCalls(t)
	_, err := c.Write(reqs)
	require.NoError(t, err)
	r := frame.NewReader(c)
	seen := map[int32]bool{}
	for range n {
		seq, msg := readReply(t, r)
		assert.Equal(t, "m"+strconv.Itoa(int(seq)), msg)
		seen[seq] = true
	}
	writes := writeCalls(t) - before
	assert.Len(t, seen, n)
	// One of the writes is the request's; the runtime's own (waking a
	// thread) count too.
	assert.Less(t, writes, int64(n/2), "replies ready together share their writes")
	t.Logf("%d replies in %d write system calls (the process's, the request's included)", n, writes)
}
