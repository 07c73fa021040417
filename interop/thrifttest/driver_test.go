package thrifttest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift/client"

	"github.com/govolo/volo/interop/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// wrong answers a few methods the way a broken server would.
type wrong struct {
	*thrifttest.Handler
}

func (wrong) TestSet(_ context.Context, thing []int32) ([]int32, error) {
	if len(thing) > 0 {
		thing = thing[1:]
	}
	return thing, nil
}

func (wrong) TestMapMap(context.Context, int32) (map[int32]map[int32]int32, error) {
	return map[int32]map[int32]int32{4: {4: 4}}, nil
}

func (w wrong) TestMultiException(ctx context.Context, arg0, arg1 string) (*gen.Xtruct, error) {
	if arg0 == "Xception2" {
		arg0 = "Xception"
	}
	return w.Handler.TestMultiException(ctx, arg0, arg1)
}

func (wrong) TestException(context.Context, string) error { return nil }

// TestRunReportsWrongResults checks the checks: a server that gets some
// methods wrong fails exactly those, and the others still run.
func TestRunReportsWrongResults(t *testing.T) {
	srvAddr := startWith(t, wrong{&thrifttest.Handler{Second: shortSecond}})
	c, err := gen.NewThriftTestClient(client.WithAddress(srvAddr))
	require.NoError(t, err)
	defer c.Close()
	var log strings.Builder
	err = thrifttest.Run(context.Background(), thrifttest.NewVoloClient(c),
		thrifttest.WithLog(&log), thrifttest.WithSkip("testBinary", "to see the skip logged"))
	require.ErrorIs(t, err, thrifttest.ErrFailed)
	var failed []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		assert.ErrorIs(t, e, thrifttest.ErrFailed)
		failed = append(failed, strings.SplitN(strings.TrimPrefix(e.Error(), thrifttest.ErrFailed.Error()+": "), ":", 2)[0])
	}
	assert.Equal(t, []string{"testSet", "testMapMap", "testException", "testMultiException"}, failed)
	assert.Contains(t, log.String(), "testBinary           skipped: to see the skip logged\n")
	assert.Contains(t, log.String(), "testOneway           ok (")
	assert.Len(t, strings.Split(strings.TrimSpace(log.String()), "\n"), len(thrifttest.Checks()))
}

func TestChecksFollowTheIDL(t *testing.T) {
	// Every method of ThriftTest has its check, in the IDL's order.
	var methods, checks []string
	for _, m := range gen.ThriftTestServiceDesc.Methods {
		methods = append(methods, m.Name)
	}
	for _, c := range thrifttest.Checks() {
		checks = append(checks, c.Method)
	}
	assert.Equal(t, methods, checks)
}

func TestHandlerDirect(t *testing.T) {
	// The handler's own errors, without a wire in between.
	h := &thrifttest.Handler{}
	ctx := context.Background()
	assert.ErrorIs(t, h.TestException(ctx, "TException"), thrifttest.ErrTException)
	var x2 *gen.Xception2
	_, err := h.TestMultiException(ctx, "Xception2", "x")
	require.True(t, errors.As(err, &x2))
	assert.Equal(t, int32(2002), x2.ErrorCode)
	// testOneway ends early when its context does.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	assert.NoError(t, h.TestOneway(cctx, 3600))
	got, err := thrifttest.SecondHandler{}.SecondtestString(ctx, "foo")
	require.NoError(t, err)
	assert.Equal(t, `testString("foo")`, got)
}
