// Package grpc is the root of volo's gRPC tree: the contract generated code
// targets ([ServiceDesc], [MethodDesc], [StreamDesc], the typed streams),
// the [Call] that middleware sees, [Metadata], [Status] with details, and
// grpc-timeout. The server is in volo/grpc/server, the client in
// volo/grpc/client; both speak gRPC over volo's own HTTP/2 transport and
// interoperate with grpc-go. volo/grpc/health and volo/grpc/reflection
// are the standard health and server reflection services.
//
// # Unary calls
//
// A unary call goes through a motore stack of [Service] =
// motore.Service[*Call, proto.Message], the same shape as the Thrift
// tree's, so protocol-neutral layers (ext/*) apply to it as they are.
//
// # Streaming calls
//
// A method of the three streaming kinds ([StreamKind]) has a [StreamDesc]
// in [ServiceDesc].Streams. Streams do not fit a unary Call, so each side
// has a stack of its own for them, with the same *Call as request:
//
//   - Client: [ClientStreamService] = motore.Service[*Call, ClientStream].
//     Call opens the stream and returns it. A layer sees the opening (its
//     error is the failure to open) and wraps the stream it returns in its
//     own [ClientStream], which sees every SendMsg, RecvMsg and CloseSend.
//   - Server: [ServerStreamService] = motore.Service[*Call, struct{}].
//     Call runs the handler on call.ServerStream until it returns; its
//     error is the call's status. A layer wraps the stream by setting
//     call.ServerStream to its own [ServerStream] before it calls the next
//     service, and sees the end of the call when that returns.
//
// A wrapper embeds the stream it wraps and overrides what it watches:
//
//	type counted struct {
//		grpc.ServerStream
//		n *atomic.Int64
//	}
//
//	func (s counted) RecvMsg(m proto.Message) error {
//		err := s.ServerStream.RecvMsg(m)
//		if err == nil {
//			s.n.Add(1)
//		}
//		return err
//	}
//
//	var countLayer = motore.LayerFn(func(next grpc.ServerStreamService) grpc.ServerStreamService {
//		return motore.ServiceFn(func(ctx context.Context, call *grpc.Call) (struct{}, error) {
//			var n atomic.Int64
//			call.ServerStream = counted{call.ServerStream, &n}
//			_, err := next.Call(ctx, call)
//			log.Printf("%s: %d requests, %v", call.FullMethod(), n.Load(), err)
//			return struct{}{}, err
//		})
//	})
//
// Generated code hands users typed streams: [ServerStreamingServer],
// [ClientStreamingServer], [BidiStreamingServer] on a server,
// [ServerStreamingClient], [ClientStreamingClient], [BidiStreamingClient]
// on a client, implemented for every message type by
// [GenericServerStream] and [GenericClientStream].
//
// # What generated code looks like
//
// For grpc.testing.TestService (see the README for a whole service):
//
//	var TestService_UnaryCall = &grpc.MethodDesc{
//		Name:        "UnaryCall",
//		NewRequest:  func() proto.Message { return new(SimpleRequest) },
//		NewResponse: func() proto.Message { return new(SimpleResponse) },
//		Handler: func(ctx context.Context, impl any, req proto.Message) (proto.Message, error) {
//			s, ok1 := impl.(TestServiceServer)
//			r, ok2 := req.(*SimpleRequest)
//			if !ok1 || !ok2 {
//				return nil, grpc.ErrHandlerMismatch
//			}
//			return s.UnaryCall(ctx, r)
//		},
//	}
//
//	var TestService_FullDuplexCall = &grpc.StreamDesc{
//		Name:        "FullDuplexCall",
//		Kind:        grpc.BidiStreaming,
//		NewRequest:  func() proto.Message { return new(StreamingOutputCallRequest) },
//		NewResponse: func() proto.Message { return new(StreamingOutputCallResponse) },
//		Handler: func(impl any, stream grpc.ServerStream) error {
//			s, ok := impl.(TestServiceServer)
//			if !ok {
//				return grpc.ErrHandlerMismatch
//			}
//			return s.FullDuplexCall(&grpc.GenericServerStream[StreamingOutputCallRequest, StreamingOutputCallResponse]{ServerStream: stream})
//		},
//	}
//
// and on the client, over a *client.Client made by client.New with the
// service's full name:
//
//	func (c *testServiceClient) UnaryCall(ctx context.Context, in *SimpleRequest, opts ...client.CallOption) (*SimpleResponse, error) {
//		out := new(SimpleResponse)
//		if err := c.c.Call(ctx, TestService_UnaryCall, in, out, opts...); err != nil {
//			return nil, err
//		}
//		return out, nil
//	}
//
//	func (c *testServiceClient) FullDuplexCall(ctx context.Context, opts ...client.CallOption) (grpc.BidiStreamingClient[StreamingOutputCallRequest, StreamingOutputCallResponse], error) {
//		st, err := c.c.NewStream(ctx, TestService_FullDuplexCall, nil, opts...)
//		if err != nil {
//			return nil, err
//		}
//		return &grpc.GenericClientStream[StreamingOutputCallRequest, StreamingOutputCallResponse]{ClientStream: st}, nil
//	}
//
// # Experimental
//
// The API may change before the first release.
package grpc
