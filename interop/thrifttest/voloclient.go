package thrifttest

import (
	"context"
	"errors"

	"github.com/govolo/volo/volo/thrift"

	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// voloClient adapts volo's generated client to [Client].
type voloClient struct {
	c *gen.ThriftTestClient
}

// NewVoloClient returns a [Client] that calls through c, volo's generated
// client of ThriftTest, and catches exceptions with errors.As on volo's
// generated exception types and *thrift.ApplicationException.
func NewVoloClient(c *gen.ThriftTestClient) Client { return voloClient{c} }

func (v voloClient) Catch(err error) Caught {
	var c Caught
	if !errors.As(err, &c.Xception) {
		c.Xception = nil
	}
	if !errors.As(err, &c.Xception2) {
		c.Xception2 = nil
	}
	if !errors.As(err, &c.Application) {
		c.Application = nil
	}
	return c
}

func (v voloClient) TestVoid(ctx context.Context) error { return v.c.TestVoid(ctx) }

func (v voloClient) TestString(ctx context.Context, thing string) (string, error) {
	return v.c.TestString(ctx, thing)
}

func (v voloClient) TestBool(ctx context.Context, thing bool) (bool, error) {
	return v.c.TestBool(ctx, thing)
}

func (v voloClient) TestByte(ctx context.Context, thing int8) (int8, error) {
	return v.c.TestByte(ctx, thing)
}

func (v voloClient) TestI32(ctx context.Context, thing int32) (int32, error) {
	return v.c.TestI32(ctx, thing)
}

func (v voloClient) TestI64(ctx context.Context, thing int64) (int64, error) {
	return v.c.TestI64(ctx, thing)
}

func (v voloClient) TestDouble(ctx context.Context, thing float64) (float64, error) {
	return v.c.TestDouble(ctx, thing)
}

func (v voloClient) TestBinary(ctx context.Context, thing []byte) ([]byte, error) {
	return v.c.TestBinary(ctx, thing)
}

func (v voloClient) TestUuid(ctx context.Context, thing thrift.UUID) (thrift.UUID, error) {
	return v.c.TestUuid(ctx, thing)
}

func (v voloClient) TestStruct(ctx context.Context, thing *gen.Xtruct) (*gen.Xtruct, error) {
	return v.c.TestStruct(ctx, thing)
}

func (v voloClient) TestNest(ctx context.Context, thing *gen.Xtruct2) (*gen.Xtruct2, error) {
	return v.c.TestNest(ctx, thing)
}

func (v voloClient) TestMap(ctx context.Context, thing map[int32]int32) (map[int32]int32, error) {
	return v.c.TestMap(ctx, thing)
}

func (v voloClient) TestStringMap(ctx context.Context, thing map[string]string) (map[string]string, error) {
	return v.c.TestStringMap(ctx, thing)
}

func (v voloClient) TestSet(ctx context.Context, thing []int32) ([]int32, error) {
	return v.c.TestSet(ctx, thing)
}

func (v voloClient) TestList(ctx context.Context, thing []int32) ([]int32, error) {
	return v.c.TestList(ctx, thing)
}

func (v voloClient) TestEnum(ctx context.Context, thing gen.Numberz) (gen.Numberz, error) {
	return v.c.TestEnum(ctx, thing)
}

func (v voloClient) TestTypedef(ctx context.Context, thing gen.UserId) (gen.UserId, error) {
	return v.c.TestTypedef(ctx, thing)
}

func (v voloClient) TestMapMap(ctx context.Context, hello int32) (map[int32]map[int32]int32, error) {
	return v.c.TestMapMap(ctx, hello)
}

func (v voloClient) TestInsanity(ctx context.Context, argument *gen.Insanity) (map[gen.UserId]map[gen.Numberz]*gen.Insanity, error) {
	return v.c.TestInsanity(ctx, argument)
}

func (v voloClient) TestMulti(ctx context.Context, arg0 int8, arg1 int32, arg2 int64, arg3 map[int16]string, arg4 gen.Numberz, arg5 gen.UserId) (*gen.Xtruct, error) {
	return v.c.TestMulti(ctx, arg0, arg1, arg2, arg3, arg4, arg5)
}

func (v voloClient) TestException(ctx context.Context, arg string) error {
	return v.c.TestException(ctx, arg)
}

func (v voloClient) TestMultiException(ctx context.Context, arg0, arg1 string) (*gen.Xtruct, error) {
	return v.c.TestMultiException(ctx, arg0, arg1)
}

func (v voloClient) TestOneway(ctx context.Context, secondsToSleep int32) error {
	return v.c.TestOneway(ctx, secondsToSleep)
}
