package thrifttest

import (
	"context"
	"fmt"
	"reflect"
	"slices"

	gen "github.com/govolo/volo/interop/thrifttest/gen/thrifttest"
)

// Insane returns the argument Apache's test clients send to testInsanity.
func Insane() *gen.Insanity {
	return &gen.Insanity{
		UserMap: map[gen.Numberz]gen.UserId{gen.Numberz_FIVE: 5, gen.Numberz_EIGHT: 8},
		Xtructs: []*gen.Xtruct{
			{StringThing: "Goodbye4", ByteThing: 4, I32Thing: 4, I64Thing: 4},
			{StringThing: "Hello2", ByteThing: 2, I32Thing: 2, I64Thing: 2},
		},
	}
}

func checkStruct(ctx context.Context, c Client) error {
	return echo(ctx, "testStruct", c.TestStruct,
		&gen.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5},
		&gen.Xtruct{StringThing: "thing", ByteThing: 42, I32Thing: 4242, I64Thing: 424242},
		&gen.Xtruct{},
		&gen.Xtruct{StringThing: unicode, ByteThing: -128, I32Thing: -1 << 31, I64Thing: -1 << 63})
}

func checkNest(ctx context.Context, c Client) error {
	return echo(ctx, "testNest", c.TestNest,
		&gen.Xtruct2{ByteThing: 1, StructThing: &gen.Xtruct{StringThing: "Zero", ByteThing: 1, I32Thing: -3, I64Thing: -5}, I32Thing: 5},
		&gen.Xtruct2{StructThing: &gen.Xtruct{}})
}

func checkMap(ctx context.Context, c Client) error {
	big := map[int32]int32{}
	for i := int32(-500); i < 500; i++ {
		big[i*7919] = -i
	}
	return echo(ctx, "testMap", c.TestMap,
		map[int32]int32{0: -10, 1: -9, 2: -8, 3: -7, 4: -6},
		map[int32]int32{1: 2, 3: 4, 5: 42},
		map[int32]int32{},
		map[int32]int32{-1 << 31: 1<<31 - 1},
		big)
}

func checkStringMap(ctx context.Context, c Client) error {
	return echo(ctx, "testStringMap", c.TestStringMap,
		map[string]string{"a": "2", "b": "blah", "some": "thing"},
		map[string]string{},
		map[string]string{"": "", "日本語": unicode, "escapes": escapes})
}

func checkSet(ctx context.Context, c Client) error {
	// A set's order is the peer's: compare the elements.
	for _, v := range [][]int32{{-2, -1, 0, 1, 2}, {1, 2, 42}, {}, {-1 << 31, 1<<31 - 1}} {
		got, err := c.TestSet(ctx, v)
		if err != nil {
			return fmt.Errorf("testSet(%v): %w", v, err)
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(v))) {
			return fmt.Errorf("testSet(%v) = %v", v, got)
		}
	}
	return nil
}

func checkList(ctx context.Context, c Client) error {
	big := make([]int32, 10_000)
	for i := range big {
		big[i] = int32(i*i) - 5000
	}
	return echo(ctx, "testList", c.TestList, []int32{}, []int32{-2, -1, 0, 1, 2}, []int32{1, 2, 42}, big)
}

func checkEnum(ctx context.Context, c Client) error {
	return echo(ctx, "testEnum", c.TestEnum,
		gen.Numberz_ONE, gen.Numberz_TWO, gen.Numberz_THREE, gen.Numberz_FIVE, gen.Numberz_SIX, gen.Numberz_EIGHT)
}

func checkTypedef(ctx context.Context, c Client) error {
	return echo[gen.UserId](ctx, "testTypedef", c.TestTypedef, 309858235082523, 42, -1)
}

func checkMapMap(ctx context.Context, c Client) error {
	got, err := c.TestMapMap(ctx, 1)
	if err != nil {
		return fmt.Errorf("testMapMap(1): %w", err)
	}
	if !reflect.DeepEqual(got, MapMap()) {
		return fmt.Errorf("testMapMap(1) = %v, want %v", got, MapMap())
	}
	return nil
}

func checkInsanity(ctx context.Context, c Client) error {
	arg := Insane()
	got, err := c.TestInsanity(ctx, arg)
	if err != nil {
		return fmt.Errorf("testInsanity(): %w", err)
	}
	switch {
	case len(got) != 2 || len(got[1]) != 2 || len(got[2]) != 1:
		return fmt.Errorf("testInsanity() = %v, want keys {1: {TWO, THREE}, 2: {SIX}}", got)
	case !reflect.DeepEqual(got[1][gen.Numberz_TWO], arg):
		return fmt.Errorf("testInsanity()[1][TWO] = %v, want the argument %v", got[1][gen.Numberz_TWO], arg)
	case !reflect.DeepEqual(got[1][gen.Numberz_THREE], arg):
		return fmt.Errorf("testInsanity()[1][THREE] = %v, want the argument %v", got[1][gen.Numberz_THREE], arg)
	}
	// The empty Insanity's containers may come back nil or empty.
	if e := got[2][gen.Numberz_SIX]; e == nil || len(e.UserMap) != 0 || len(e.Xtructs) != 0 {
		return fmt.Errorf("testInsanity()[2][SIX] = %v, want an empty Insanity", e)
	}
	return nil
}

func checkMulti(ctx context.Context, c Client) error {
	got, err := c.TestMulti(ctx, 42, 4242, 424242, map[int16]string{1: "blah", 2: "thing"}, gen.Numberz_EIGHT, 24)
	if err != nil {
		return fmt.Errorf("testMulti(): %w", err)
	}
	want := &gen.Xtruct{StringThing: "Hello2", ByteThing: 42, I32Thing: 4242, I64Thing: 424242}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("testMulti() = %v, want %v", got, want)
	}
	return nil
}

func checkException(ctx context.Context, c Client) error {
	err := c.TestException(ctx, "Xception")
	want := &gen.Xception{ErrorCode: 1001, Message: "Xception"}
	if got := c.Catch(err); !reflect.DeepEqual(got, Caught{Xception: want}) {
		return fmt.Errorf("testException(Xception) = %v, want %v", err, want)
	}
	err = c.TestException(ctx, "TException")
	if got := c.Catch(err); got.Application == nil || got.Xception != nil || got.Xception2 != nil {
		return fmt.Errorf("testException(TException) = %v, want an application exception", err)
	}
	if err := c.TestException(ctx, "success"); err != nil {
		return fmt.Errorf("testException(success): %w", err)
	}
	return nil
}

func checkMultiException(ctx context.Context, c Client) error {
	for _, tc := range []struct {
		arg0, arg1 string
		want       Caught
	}{
		{"Xception", "test 1", Caught{Xception: &gen.Xception{ErrorCode: 1001, Message: "This is an Xception"}}},
		{"Xception2", "test 2", Caught{Xception2: &gen.Xception2{ErrorCode: 2002, StructThing: &gen.Xtruct{StringThing: "This is an Xception2"}}}},
	} {
		r, err := c.TestMultiException(ctx, tc.arg0, tc.arg1)
		if got := c.Catch(err); r != nil || !reflect.DeepEqual(got, tc.want) {
			return fmt.Errorf("testMultiException(%s, %s) = %v, %v; want %+v", tc.arg0, tc.arg1, r, err, tc.want)
		}
	}
	r, err := c.TestMultiException(ctx, "success", "test 3")
	if want := (&gen.Xtruct{StringThing: "test 3"}); err != nil || !reflect.DeepEqual(r, want) {
		return fmt.Errorf("testMultiException(success, test 3) = %v, %v; want %v", r, err, want)
	}
	return nil
}

// checkOneway makes a oneway call, then normal calls on the same
// connection: a server that answered the oneway call, or a client that
// waited for an answer, would hand the next call the wrong reply.
func checkOneway(ctx context.Context, c Client) error {
	if err := c.TestOneway(ctx, 1); err != nil {
		return fmt.Errorf("testOneway(1): %w", err)
	}
	if got, err := c.TestI32(ctx, -1); err != nil || got != -1 {
		return fmt.Errorf("testI32(-1) after testOneway = %d, %v", got, err)
	}
	if err := c.TestVoid(ctx); err != nil {
		return fmt.Errorf("testVoid() after testOneway: %w", err)
	}
	return nil
}
