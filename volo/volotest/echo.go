package volotest

import (
	"context"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/client"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/thrifttest"
)

// Echo is the handler interface of the test service
// `service Echo { string echo(1: string msg) }`, written as generated
// code will write it.
type Echo interface {
	Echo(ctx context.Context, msg string) (string, error)
}

// EchoFunc adapts a function to [Echo].
type EchoFunc func(ctx context.Context, msg string) (string, error)

// Echo calls f.
func (f EchoFunc) Echo(ctx context.Context, msg string) (string, error) { return f(ctx, msg) }

// EchoService describes Echo to a server; register it with an [Echo].
var EchoService = &volo.ServiceDesc{
	Name: "Echo",
	Methods: map[string]volo.MethodDesc{
		thrifttest.EchoMethod: {
			NewArgs: func() thrift.Struct { return new(thrifttest.EchoArgs) },
			Handler: func(ctx context.Context, impl any, args thrift.Struct) (thrift.Struct, error) {
				r, err := impl.(Echo).Echo(ctx, args.(*thrifttest.EchoArgs).Msg)
				if err != nil {
					return nil, err
				}
				return &thrifttest.EchoResult{Success: &r}, nil
			},
		},
	},
}

// EchoClient calls Echo through a client, as a generated client will.
type EchoClient struct {
	C *client.Client
}

// Echo calls echo(msg).
func (e EchoClient) Echo(ctx context.Context, msg string, opts ...client.CallOption) (string, error) {
	var res thrifttest.EchoResult
	if err := e.C.Call(ctx, thrifttest.EchoMethod, &thrifttest.EchoArgs{Msg: msg}, &res, opts...); err != nil {
		return "", err
	}
	if res.Success == nil {
		return "", thrift.NewApplicationException(thrift.ExceptionMissingResult, "echo returned no result")
	}
	return *res.Success, nil
}
