package motoretest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/motore/motoretest"
)

func ExampleNewRecorder() {
	rec := motoretest.NewRecorder(motore.ServiceFn(func(_ context.Context, req string) (string, error) {
		return req, nil
	}))
	reject := motore.Filter[string](func(_ context.Context, req string) error {
		if req == "bad" {
			return errors.New("rejected")
		}
		return nil
	})
	svc := reject.Layer(rec)
	for _, req := range []string{"a", "bad", "b"} {
		_, _ = svc.Call(context.Background(), req)
	}
	fmt.Println(rec.Requests(), rec.Count(), rec.MaxInFlight())
	// Output: [a b] 2 1
}

func ExampleNewScripted() {
	flaky := motoretest.NewScripted[string](
		motoretest.Fail[string](errors.New("unavailable")),
		motoretest.Return("ok").After(time.Millisecond),
	)
	for range 3 {
		fmt.Println(flaky.Call(context.Background(), "req"))
	}
	// Output:
	//  unavailable
	// ok <nil>
	//  motoretest: script exhausted
}

func ExampleReturn() {
	always := motoretest.NewScripted[string](motoretest.Return(42)).RepeatLast()
	fmt.Println(always.Call(context.Background(), ""))
	fmt.Println(always.Call(context.Background(), ""))
	// Output:
	// 42 <nil>
	// 42 <nil>
}

func ExampleFail() {
	errDown := errors.New("down")
	svc := motoretest.NewScripted[string](motoretest.Fail[int](errDown))
	_, err := svc.Call(context.Background(), "")
	fmt.Println(errors.Is(err, errDown))
	// Output: true
}
