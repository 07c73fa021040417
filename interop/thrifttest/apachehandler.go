package thrifttest

import (
	"context"
	"errors"

	at "github.com/govolo/volo/interop/thrifttest/apachegen/thrifttest"
	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// ApacheHandler serves a [Handler] on Apache Thrift's generated
// processor: it implements Apache's ThriftTest interface (package
// apachegen/thrifttest) by converting Apache's types to volo's and back,
// so both servers answer with the same semantics. Pass it to
// at.NewThriftTestProcessor. Apache's code has no testUuid (thrift 0.17
// predates uuid).
type ApacheHandler struct {
	// H answers the calls.
	H *Handler
}

var _ at.ThriftTest = ApacheHandler{}

// apacheError gives a declared exception Apache's type, so that Apache's
// processor sends it as the result's field; other errors it sends as an
// application exception.
func apacheError(err error) error {
	var x *gen.Xception
	if errors.As(err, &x) {
		return toApacheXception(x)
	}
	var x2 *gen.Xception2
	if errors.As(err, &x2) {
		return toApacheXception2(x2)
	}
	return err
}

// TestVoid calls the Handler's.
func (a ApacheHandler) TestVoid(ctx context.Context) error { return a.H.TestVoid(ctx) }

// TestString calls the Handler's.
func (a ApacheHandler) TestString(ctx context.Context, thing string) (string, error) {
	return a.H.TestString(ctx, thing)
}

// TestBool calls the Handler's.
func (a ApacheHandler) TestBool(ctx context.Context, thing bool) (bool, error) {
	return a.H.TestBool(ctx, thing)
}

// TestByte calls the Handler's.
func (a ApacheHandler) TestByte(ctx context.Context, thing int8) (int8, error) {
	return a.H.TestByte(ctx, thing)
}

// TestI32 calls the Handler's.
func (a ApacheHandler) TestI32(ctx context.Context, thing int32) (int32, error) {
	return a.H.TestI32(ctx, thing)
}

// TestI64 calls the Handler's.
func (a ApacheHandler) TestI64(ctx context.Context, thing int64) (int64, error) {
	return a.H.TestI64(ctx, thing)
}

// TestDouble calls the Handler's.
func (a ApacheHandler) TestDouble(ctx context.Context, thing float64) (float64, error) {
	return a.H.TestDouble(ctx, thing)
}

// TestBinary calls the Handler's.
func (a ApacheHandler) TestBinary(ctx context.Context, thing []byte) ([]byte, error) {
	return a.H.TestBinary(ctx, thing)
}

// TestStruct calls the Handler's.
func (a ApacheHandler) TestStruct(ctx context.Context, thing *at.Xtruct) (*at.Xtruct, error) {
	r, err := a.H.TestStruct(ctx, fromApacheXtruct(thing))
	return toApacheXtruct(r), err
}

// TestNest calls the Handler's.
func (a ApacheHandler) TestNest(ctx context.Context, thing *at.Xtruct2) (*at.Xtruct2, error) {
	r, err := a.H.TestNest(ctx, fromApacheXtruct2(thing))
	return toApacheXtruct2(r), err
}

// TestMap calls the Handler's.
func (a ApacheHandler) TestMap(ctx context.Context, thing map[int32]int32) (map[int32]int32, error) {
	return a.H.TestMap(ctx, thing)
}

// TestStringMap calls the Handler's.
func (a ApacheHandler) TestStringMap(ctx context.Context, thing map[string]string) (map[string]string, error) {
	return a.H.TestStringMap(ctx, thing)
}

// TestSet calls the Handler's.
func (a ApacheHandler) TestSet(ctx context.Context, thing []int32) ([]int32, error) {
	return a.H.TestSet(ctx, thing)
}

// TestList calls the Handler's.
func (a ApacheHandler) TestList(ctx context.Context, thing []int32) ([]int32, error) {
	return a.H.TestList(ctx, thing)
}

// TestEnum calls the Handler's.
func (a ApacheHandler) TestEnum(ctx context.Context, thing at.Numberz) (at.Numberz, error) {
	r, err := a.H.TestEnum(ctx, gen.Numberz(thing))
	return at.Numberz(r), err
}

// TestTypedef calls the Handler's.
func (a ApacheHandler) TestTypedef(ctx context.Context, thing at.UserId) (at.UserId, error) {
	r, err := a.H.TestTypedef(ctx, gen.UserId(thing))
	return at.UserId(r), err
}

// TestMapMap calls the Handler's.
func (a ApacheHandler) TestMapMap(ctx context.Context, hello int32) (map[int32]map[int32]int32, error) {
	return a.H.TestMapMap(ctx, hello)
}

// TestInsanity calls the Handler's.
func (a ApacheHandler) TestInsanity(ctx context.Context, argument *at.Insanity) (map[at.UserId]map[at.Numberz]*at.Insanity, error) {
	r, err := a.H.TestInsanity(ctx, fromApacheInsanity(argument))
	return insanityMap[gen.UserId, at.UserId, gen.Numberz, at.Numberz](r, toApacheInsanity), err
}

// TestMulti calls the Handler's.
func (a ApacheHandler) TestMulti(ctx context.Context, arg0 int8, arg1 int32, arg2 int64, arg3 map[int16]string, arg4 at.Numberz, arg5 at.UserId) (*at.Xtruct, error) {
	r, err := a.H.TestMulti(ctx, arg0, arg1, arg2, arg3, gen.Numberz(arg4), gen.UserId(arg5))
	return toApacheXtruct(r), err
}

// TestException calls the Handler's.
func (a ApacheHandler) TestException(ctx context.Context, arg string) error {
	return apacheError(a.H.TestException(ctx, arg))
}

// TestMultiException calls the Handler's.
func (a ApacheHandler) TestMultiException(ctx context.Context, arg0, arg1 string) (*at.Xtruct, error) {
	r, err := a.H.TestMultiException(ctx, arg0, arg1)
	return toApacheXtruct(r), apacheError(err)
}

// TestOneway calls the Handler's.
func (a ApacheHandler) TestOneway(ctx context.Context, secondsToSleep int32) error {
	return a.H.TestOneway(ctx, secondsToSleep)
}
