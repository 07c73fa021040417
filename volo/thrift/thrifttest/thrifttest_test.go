package thrifttest_test

import (
	"testing"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func roundTrip(t *testing.T, in, out thrift.Struct) {
	t.Helper()
	b := in.AppendThrift(make([]byte, 0, in.ThriftSize()))
	require.Len(t, b, in.ThriftSize())
	d := thrift.NewDecoder(b)
	require.NoError(t, out.DecodeThrift(d))
	require.Zero(t, d.Len())
}

func TestEchoResult(t *testing.T) {
	ok := "pong"
	var out echo.EchoEchoResult
	roundTrip(t, &echo.EchoEchoResult{Success: &ok}, &out)
	require.NotNil(t, out.Success)
	assert.Equal(t, "pong", *out.Success)

	out = echo.EchoEchoResult{}
	roundTrip(t, &echo.EchoEchoResult{}, &out)
	assert.Nil(t, out.Success, "absent success stays absent")

	// A result carrying a field it does not know (a declared exception).
	b := thrift.AppendFieldBegin(nil, thrift.TypeStruct, 1)
	b = thrift.AppendFieldStop(thrift.AppendFieldStop(b))
	require.NoError(t, out.DecodeThrift(thrift.NewDecoder(b)))
	assert.Nil(t, out.Success)
}

// Fields and elements of the wrong type are skipped, not misread.
func TestSampleSkipsWrongTypes(t *testing.T) {
	var b []byte
	b = thrift.AppendFieldBegin(b, thrift.TypeI32, 7) // text, declared string
	b = thrift.AppendI32(b, 5)
	b = thrift.AppendFieldBegin(b, thrift.TypeList, 10) // names: list<i64>, not list<string>
	b = thrift.AppendListBegin(b, thrift.TypeI64, 2)
	b = thrift.AppendI64(thrift.AppendI64(b, 1), 2)
	b = thrift.AppendFieldBegin(b, thrift.TypeMap, 12) // groups: map<i32, i32>
	b = thrift.AppendMapBegin(b, thrift.TypeI32, thrift.TypeI32, 1)
	b = thrift.AppendI32(thrift.AppendI32(b, 1), 2)
	b = thrift.AppendFieldBegin(b, thrift.TypeString, 99) // unknown id
	b = thrift.AppendString(b, "x")
	b = thrift.AppendFieldBegin(b, thrift.TypeI16, 3)
	b = thrift.AppendI16(b, 42)
	b = thrift.AppendFieldStop(b)

	var s thrifttest.Sample
	d := thrift.NewDecoder(b)
	require.NoError(t, s.DecodeThrift(d))
	assert.Zero(t, d.Len())
	assert.Equal(t, thrifttest.Sample{Short: 42, Groups: map[string][]int64{}}, s)
}
