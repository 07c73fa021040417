package thrifttest

import (
	"context"

	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

// EchoFunc adapts a function to the echo.Echo handler interface, as
// http.HandlerFunc adapts one to http.Handler.
type EchoFunc func(ctx context.Context, msg string) (string, error)

var _ echo.Echo = EchoFunc(nil)

// Echo calls f.
func (f EchoFunc) Echo(ctx context.Context, msg string) (string, error) { return f(ctx, msg) }
