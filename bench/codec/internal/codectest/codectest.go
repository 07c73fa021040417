package codectest

import (
	"context"
	"testing"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/stretchr/testify/require"
)

// Struct is a type of Apache's generated code, used through a pointer.
type Struct[T any] interface {
	*T
	thrift.TStruct
}

// Encode returns v encoded by its generated Write method with
// TBinaryProtocol.
func Encode(tb testing.TB, v thrift.TStruct) []byte {
	tb.Helper()
	mem := thrift.NewTMemoryBuffer()
	require.NoError(tb, v.Write(context.Background(), thrift.NewTBinaryProtocolConf(mem, &thrift.TConfiguration{})))
	return mem.Bytes()
}

// Decode decodes b into a new T by its generated Read method with
// TBinaryProtocol, and checks that all of b was read.
func Decode[T any, P Struct[T]](tb testing.TB, b []byte) P {
	tb.Helper()
	mem := thrift.NewTMemoryBuffer()
	_, _ = mem.Write(b)
	v := P(new(T))
	require.NoError(tb, v.Read(context.Background(), thrift.NewTBinaryProtocolConf(mem, &thrift.TConfiguration{})))
	require.Zero(tb, mem.Len(), "bytes left after the struct")
	return v
}
