package volo_test

import (
	"errors"
	"fmt"

	"github.com/govolo/volo/volo"
)

// A handler says what went wrong with a code; the caller reads the code
// back from whatever error the call returned.
func ExampleErrorf() {
	err := volo.Errorf(volo.CodeNotFound, "no user %d", 42)
	fmt.Println(err)
	fmt.Println(volo.CodeOf(fmt.Errorf("get user: %w", err)))
	// Output:
	// volo: not_found: no user 42
	// not_found
}

func ExampleNewError() {
	err := volo.NewError(volo.CodePermissionDenied, errors.New("not your account"))
	fmt.Println(err.Code(), err.Message())
	// Output: permission_denied not your account
}

func ExampleNewRemoteError() {
	err := volo.NewRemoteError(volo.CodeUnavailable, "draining")
	fmt.Println(err, err.Remote())
	// Output: volo: unavailable: draining true
}

func ExampleCodeOf() {
	fmt.Println(volo.CodeOf(nil), volo.CodeOf(volo.ErrTimeout), volo.CodeOf(errors.New("plain")))
	// Output: ok deadline_exceeded unknown
}

func ExampleNewBizError() {
	err := volo.NewBizError(404, "no such user")
	fmt.Println(err, errors.Is(err, volo.ErrBiz))
	// Output: volo: business error 404: no such user true
}
