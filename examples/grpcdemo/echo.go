package main

import (
	"context"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// echoServer is service echo.Echo { rpc Echo(StringValue) returns
// (StringValue); }, written as protoc-gen-go-grpc would generate it, so
// that the demo needs no code generator.
type echoServer interface {
	Echo(ctx context.Context, in *wrapperspb.StringValue) (*wrapperspb.StringValue, error)
}

var echoDesc = grpc.ServiceDesc{
	ServiceName: "echo.Echo",
	HandlerType: (*echoServer)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Echo",
		Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			in := new(wrapperspb.StringValue)
			if err := dec(in); err != nil {
				return nil, err
			}
			h := func(ctx context.Context, req any) (any, error) {
				return srv.(echoServer).Echo(ctx, req.(*wrapperspb.StringValue))
			}
			if icpt == nil {
				return h(ctx, in)
			}
			return icpt(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/echo.Echo/Echo"}, h)
		},
	}},
}

// echo calls Echo on cc.
func echo(ctx context.Context, cc *grpc.ClientConn, msg string, opts ...grpc.CallOption) (string, error) {
	out := new(wrapperspb.StringValue)
	if err := cc.Invoke(ctx, "/echo.Echo/Echo", wrapperspb.String(msg), out, opts...); err != nil {
		return "", err
	}
	return out.Value, nil
}
