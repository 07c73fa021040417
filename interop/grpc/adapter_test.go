package grpc_test

import (
	"context"
	"errors"
	"io"

	testsvc "github.com/govolo/volo/interop/grpc/gen/grpc/testing"
	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
	"github.com/govolo/volo/volo/grpc/client"
	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// voloTestClient is grpc-go's TestServiceClient over volo's client, so
// that grpc-go's interop cases drive volo's client unchanged. It does what
// a generated volo client does, and translates at the edges only: grpc-go's
// outgoing metadata and Header/Trailer call options in, grpc-go status
// errors out.
type voloTestClient struct{ c *client.Client }

var _ testpb.TestServiceClient = voloTestClient{}

// in moves grpc-go's outgoing metadata into volo's and reads the call
// options volo's client has an equivalent of.
func in(ctx context.Context, opts []ggrpc.CallOption) (context.Context, []client.CallOption, error) {
	if md, ok := metadata.FromOutgoingContext(ctx); ok {
		ctx = vgrpc.WithOutgoingMetadata(ctx, vgrpc.Metadata(md.Copy()))
	}
	var out []client.CallOption
	for _, o := range opts {
		switch o := o.(type) {
		case ggrpc.HeaderCallOption:
			out = append(out, client.ReceiveHeader((*vgrpc.Metadata)(o.HeaderAddr)))
		case ggrpc.TrailerCallOption:
			out = append(out, client.ReceiveTrailer((*vgrpc.Metadata)(o.TrailerAddr)))
		default:
			return ctx, nil, status.Errorf(codes.Unimplemented, "adapter: call option %T", o)
		}
	}
	return ctx, out, nil
}

// toStatus gives a volo error as grpc-go's status error, code and message.
func toStatus(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	msg := err.Error()
	var ve *volo.Error
	if errors.As(err, &ve) {
		msg = ve.Message()
	}
	return status.Error(codes.Code(volo.CodeOf(err)), msg)
}

func unaryVia[Res any, PRes interface {
	*Res
	proto.Message
}](c *client.Client, ctx context.Context, m *vgrpc.MethodDesc, req proto.Message, opts []ggrpc.CallOption) (PRes, error) {
	ctx, copts, err := in(ctx, opts)
	if err != nil {
		return nil, err
	}
	out := PRes(new(Res))
	if err := c.Call(ctx, m, req, out, copts...); err != nil {
		return nil, toStatus(err)
	}
	return out, nil
}

func (v voloTestClient) EmptyCall(ctx context.Context, req *testpb.Empty, opts ...ggrpc.CallOption) (*testpb.Empty, error) {
	return unaryVia[testpb.Empty](v.c, ctx, testsvc.TestServiceEmptyCallMethod, req, opts)
}

func (v voloTestClient) UnaryCall(ctx context.Context, req *testpb.SimpleRequest, opts ...ggrpc.CallOption) (*testpb.SimpleResponse, error) {
	return unaryVia[testpb.SimpleResponse](v.c, ctx, testsvc.TestServiceUnaryCallMethod, req, opts)
}

func (v voloTestClient) CacheableUnaryCall(ctx context.Context, req *testpb.SimpleRequest, opts ...ggrpc.CallOption) (*testpb.SimpleResponse, error) {
	return nil, status.Error(codes.Unimplemented, "adapter: CacheableUnaryCall is not in the cases")
}

func (v voloTestClient) open(ctx context.Context, d *vgrpc.StreamDesc, req proto.Message, opts []ggrpc.CallOption) (*ggStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse], error) {
	ctx, copts, err := in(ctx, opts)
	if err != nil {
		return nil, err
	}
	st, err := v.c.NewStream(ctx, d, req, copts...)
	if err != nil {
		return nil, toStatus(err)
	}
	return &ggStream[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]{s: st}, nil
}

func (v voloTestClient) StreamingOutputCall(ctx context.Context, req *testpb.StreamingOutputCallRequest, opts ...ggrpc.CallOption) (ggrpc.ServerStreamingClient[testpb.StreamingOutputCallResponse], error) {
	return v.open(ctx, testsvc.TestServiceStreamingOutputCallMethod, req, opts)
}

func (v voloTestClient) StreamingInputCall(ctx context.Context, opts ...ggrpc.CallOption) (ggrpc.ClientStreamingClient[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse], error) {
	ctx, copts, err := in(ctx, opts)
	if err != nil {
		return nil, err
	}
	st, err := v.c.NewStream(ctx, testsvc.TestServiceStreamingInputCallMethod, nil, copts...)
	if err != nil {
		return nil, toStatus(err)
	}
	return &ggStream[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]{s: st}, nil
}

func (v voloTestClient) FullDuplexCall(ctx context.Context, opts ...ggrpc.CallOption) (ggrpc.BidiStreamingClient[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse], error) {
	return v.open(ctx, testsvc.TestServiceFullDuplexCallMethod, nil, opts)
}

func (v voloTestClient) HalfDuplexCall(ctx context.Context, opts ...ggrpc.CallOption) (ggrpc.BidiStreamingClient[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse], error) {
	return v.open(ctx, testsvc.TestServiceHalfDuplexCallMethod, nil, opts)
}

func (v voloTestClient) UnimplementedCall(ctx context.Context, req *testpb.Empty, opts ...ggrpc.CallOption) (*testpb.Empty, error) {
	return unaryVia[testpb.Empty](v.c, ctx, testsvc.TestServiceUnimplementedCallMethod, req, opts)
}

// ggStream is grpc-go's typed client streams over a volo stream.
type ggStream[Req, Res any] struct {
	s vgrpc.ClientStream
}

func (g *ggStream[Req, Res]) Header() (metadata.MD, error) {
	md, err := g.s.Header()
	return metadata.MD(md), toStatus(err)
}
func (g *ggStream[Req, Res]) Trailer() metadata.MD     { return metadata.MD(g.s.Trailer()) }
func (g *ggStream[Req, Res]) CloseSend() error         { return toStatus(g.s.CloseSend()) }
func (g *ggStream[Req, Res]) Context() context.Context { return g.s.Context() }
func (g *ggStream[Req, Res]) SendMsg(m any) error      { return toStatus(g.s.SendMsg(m.(proto.Message))) }
func (g *ggStream[Req, Res]) RecvMsg(m any) error      { return toStatus(g.s.RecvMsg(m.(proto.Message))) }
func (g *ggStream[Req, Res]) Send(m *Req) error        { return g.SendMsg(m) }

func (g *ggStream[Req, Res]) Recv() (*Res, error) {
	m := new(Res)
	if err := g.RecvMsg(m); err != nil {
		return nil, err
	}
	return m, nil
}

func (g *ggStream[Req, Res]) CloseAndRecv() (*Res, error) {
	if err := g.CloseSend(); err != nil {
		return nil, err
	}
	return g.Recv()
}

// voloUnimplementedClient is grpc-go's UnimplementedServiceClient over
// volo's client.
type voloUnimplementedClient struct{ c *client.Client }

func (v voloUnimplementedClient) UnimplementedCall(ctx context.Context, req *testpb.Empty, opts ...ggrpc.CallOption) (*testpb.Empty, error) {
	return unaryVia[testpb.Empty](v.c, ctx, testsvc.TestServiceUnimplementedCallMethod, req, opts)
}
