package thrifttest

import (
	"context"
	"errors"
	"time"

	"github.com/govolo/volo/volo/thrift"

	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// Handler implements ThriftTest as Apache's cross-language test servers
// do (test/cpp/src/TestServer.cpp, test/go/src/common/simple_handler.go):
// every test method returns its argument, testMapMap, testInsanity and
// testMulti return the values the IDL's comments give, testException and
// testMultiException throw as their argument says, and testOneway sleeps.
// The zero value is ready to use and safe for concurrent calls.
type Handler struct {
	// Second is how long testOneway sleeps for each second it is asked
	// to; zero means time.Second. Tests shorten it.
	Second time.Duration
	// OnewayDone, if set, is called when a testOneway call has slept, so
	// that a test can see that the call arrived.
	OnewayDone func(secondsToSleep int32)
}

// ErrTException is what testException("TException") fails with: an error
// that is no declared exception, which a server sends as an application
// exception (INTERNAL_ERROR).
var ErrTException = errors.New("thrifttest: testException(\"TException\")")

var _ gen.ThriftTest = (*Handler)(nil)

// TestVoid returns nothing.
func (h *Handler) TestVoid(context.Context) error { return nil }

// TestString returns thing.
func (h *Handler) TestString(_ context.Context, thing string) (string, error) { return thing, nil }

// TestBool returns thing.
func (h *Handler) TestBool(_ context.Context, thing bool) (bool, error) { return thing, nil }

// TestByte returns thing.
func (h *Handler) TestByte(_ context.Context, thing int8) (int8, error) { return thing, nil }

// TestI32 returns thing.
func (h *Handler) TestI32(_ context.Context, thing int32) (int32, error) { return thing, nil }

// TestI64 returns thing.
func (h *Handler) TestI64(_ context.Context, thing int64) (int64, error) { return thing, nil }

// TestDouble returns thing.
func (h *Handler) TestDouble(_ context.Context, thing float64) (float64, error) { return thing, nil }

// TestBinary returns thing.
func (h *Handler) TestBinary(_ context.Context, thing []byte) ([]byte, error) { return thing, nil }

// TestUuid returns thing.
func (h *Handler) TestUuid(_ context.Context, thing thrift.UUID) (thrift.UUID, error) {
	return thing, nil
}

// TestStruct returns thing.
func (h *Handler) TestStruct(_ context.Context, thing *gen.Xtruct) (*gen.Xtruct, error) {
	return thing, nil
}

// TestNest returns thing.
func (h *Handler) TestNest(_ context.Context, thing *gen.Xtruct2) (*gen.Xtruct2, error) {
	return thing, nil
}

// TestMap returns thing.
func (h *Handler) TestMap(_ context.Context, thing map[int32]int32) (map[int32]int32, error) {
	return thing, nil
}

// TestStringMap returns thing.
func (h *Handler) TestStringMap(_ context.Context, thing map[string]string) (map[string]string, error) {
	return thing, nil
}

// TestSet returns thing.
func (h *Handler) TestSet(_ context.Context, thing []int32) ([]int32, error) { return thing, nil }

// TestList returns thing.
func (h *Handler) TestList(_ context.Context, thing []int32) ([]int32, error) { return thing, nil }

// TestEnum returns thing.
func (h *Handler) TestEnum(_ context.Context, thing gen.Numberz) (gen.Numberz, error) {
	return thing, nil
}

// TestTypedef returns thing.
func (h *Handler) TestTypedef(_ context.Context, thing gen.UserId) (gen.UserId, error) {
	return thing, nil
}

// TestMapMap returns {-4: {-4: -4, -3: -3, -2: -2, -1: -1}, 4: {1: 1,
// 2: 2, 3: 3, 4: 4}}, whatever hello is.
func (h *Handler) TestMapMap(context.Context, int32) (map[int32]map[int32]int32, error) {
	return MapMap(), nil
}

// TestInsanity returns {1: {TWO: argument, THREE: argument}, 2: {SIX: an
// empty Insanity}}.
func (h *Handler) TestInsanity(_ context.Context, argument *gen.Insanity) (map[gen.UserId]map[gen.Numberz]*gen.Insanity, error) {
	return map[gen.UserId]map[gen.Numberz]*gen.Insanity{
		1: {gen.Numberz_TWO: argument, gen.Numberz_THREE: argument},
		2: {gen.Numberz_SIX: gen.NewInsanity()},
	}, nil
}

// TestMulti returns Xtruct{"Hello2", arg0, arg1, arg2}.
func (h *Handler) TestMulti(_ context.Context, arg0 int8, arg1 int32, arg2 int64, _ map[int16]string, _ gen.Numberz, _ gen.UserId) (*gen.Xtruct, error) {
	return &gen.Xtruct{StringThing: "Hello2", ByteThing: arg0, I32Thing: arg1, I64Thing: arg2}, nil
}

// TestException throws Xception{1001, arg} for "Xception", fails with
// [ErrTException] for "TException", and returns nothing otherwise.
func (h *Handler) TestException(_ context.Context, arg string) error {
	switch arg {
	case "Xception":
		return &gen.Xception{ErrorCode: 1001, Message: arg}
	case "TException":
		return ErrTException
	}
	return nil
}

// TestMultiException throws Xception{1001, "This is an Xception"} for
// arg0 "Xception", Xception2{2002, {string_thing: "This is an
// Xception2"}} for "Xception2", and returns Xtruct{string_thing: arg1}
// otherwise.
func (h *Handler) TestMultiException(_ context.Context, arg0, arg1 string) (*gen.Xtruct, error) {
	switch arg0 {
	case "Xception":
		return nil, &gen.Xception{ErrorCode: 1001, Message: "This is an Xception"}
	case "Xception2":
		return nil, &gen.Xception2{ErrorCode: 2002, StructThing: &gen.Xtruct{StringThing: "This is an Xception2"}}
	}
	return &gen.Xtruct{StringThing: arg1}, nil
}

// TestOneway sleeps secondsToSleep times h.Second, or until ctx ends.
func (h *Handler) TestOneway(ctx context.Context, secondsToSleep int32) error {
	unit := h.Second
	if unit <= 0 {
		unit = time.Second
	}
	t := time.NewTimer(time.Duration(max(secondsToSleep, 0)) * unit)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	if h.OnewayDone != nil {
		h.OnewayDone(secondsToSleep)
	}
	return nil
}

// SecondHandler implements SecondService as Apache's test servers do.
type SecondHandler struct{}

var _ gen.SecondService = SecondHandler{}

// SecondtestString returns `testString("thing")`.
func (SecondHandler) SecondtestString(_ context.Context, thing string) (string, error) {
	return `testString("` + thing + `")`, nil
}

// MapMap is what testMapMap returns.
func MapMap() map[int32]map[int32]int32 {
	return map[int32]map[int32]int32{
		-4: {-4: -4, -3: -3, -2: -2, -1: -1},
		4:  {1: 1, 2: 2, 3: 3, 4: 4},
	}
}
