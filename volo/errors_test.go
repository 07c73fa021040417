package volo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/govolo/volo/volo"
)

func TestTimeoutIsADeadlineExceeded(t *testing.T) {
	err := fmt.Errorf("%w: reading the reply: %w", volo.ErrTimeout, errors.New("i/o timeout"))
	if !errors.Is(err, volo.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v: want both volo.ErrTimeout and context.DeadlineExceeded", err)
	}
	if errors.Is(context.DeadlineExceeded, volo.ErrTimeout) {
		t.Fatal("a bare context.DeadlineExceeded is not a volo timeout")
	}
}

func TestBizErrorIsABusinessError(t *testing.T) {
	var err error = fmt.Errorf("call: %w", volo.NewBizError(404, "no such user"))
	var be interface{ BusinessError() bool }
	if !errors.As(err, &be) || !be.BusinessError() {
		t.Fatalf("%v does not report itself as a business error", err)
	}
	if !errors.Is(err, volo.ErrBiz) {
		t.Fatal("not ErrBiz")
	}
}
