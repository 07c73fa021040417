package grpc_test

import (
	"context"
	"io"
	"time"

	testsvc "github.com/govolo/volo/interop/grpc/gen/grpc/testing"
	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
	testpb "google.golang.org/grpc/interop/grpc_testing"
)

// The server's side of grpc.testing.TestService, on the stubs pbgen
// generates against grpc-go's message types (gen/grpc/testing).

var _ testsvc.TestService = testServer{}

const (
	initialMetadataKey  = "x-grpc-test-echo-initial"
	trailingMetadataKey = "x-grpc-test-echo-trailing-bin"
)

// testServer has the semantics of grpc-go's interop test server, written
// against volo's server API.
type testServer struct{}

func (testServer) EmptyCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	return new(testpb.Empty), nil
}

// CacheableUnaryCall is UnaryCall: the server has no cache to tell apart.
func (s testServer) CacheableUnaryCall(ctx context.Context, in *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return s.UnaryCall(ctx, in)
}

// UnimplementedCall is not implemented, as the interop case expects.
func (testServer) UnimplementedCall(context.Context, *testpb.Empty) (*testpb.Empty, error) {
	return nil, volo.Errorf(volo.CodeUnimplemented, "UnimplementedCall is not implemented")
}

func newPayload(t testpb.PayloadType, size int32) (*testpb.Payload, error) {
	if size < 0 {
		return nil, volo.Errorf(volo.CodeInvalidArgument, "requested a response with invalid length %d", size)
	}
	if t != testpb.PayloadType_COMPRESSABLE {
		return nil, volo.Errorf(volo.CodeInvalidArgument, "unsupported payload type: %d", t)
	}
	return &testpb.Payload{Type: t, Body: make([]byte, size)}, nil
}

// echoMetadata sends back the interop cases' echo keys.
func echoMetadata(md vgrpc.Metadata, header func(vgrpc.Metadata) error, trailer func(vgrpc.Metadata)) error {
	if v, ok := md[initialMetadataKey]; ok {
		if err := header(vgrpc.Pairs(initialMetadataKey, v[0])); err != nil {
			return err
		}
	}
	if v, ok := md[trailingMetadataKey]; ok {
		trailer(vgrpc.Pairs(trailingMetadataKey, v[0]))
	}
	return nil
}

func (testServer) UnaryCall(ctx context.Context, in *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	err := echoMetadata(vgrpc.IncomingMetadata(ctx),
		func(md vgrpc.Metadata) error { return vgrpc.SetHeader(ctx, md) },
		func(md vgrpc.Metadata) { _ = vgrpc.SetTrailer(ctx, md) })
	if err != nil {
		return nil, err
	}
	if st := in.GetResponseStatus(); st != nil && st.Code != 0 {
		return nil, volo.NewError(volo.Code(st.Code), errorString(st.Message))
	}
	pl, err := newPayload(in.GetResponseType(), in.GetResponseSize())
	if err != nil {
		return nil, err
	}
	return &testpb.SimpleResponse{Payload: pl}, nil
}

// errorString is an error whose text is exactly the status message.
type errorString string

func (e errorString) Error() string { return string(e) }

func sleepInterval(us int32) {
	if us > 0 {
		time.Sleep(time.Duration(us) * time.Microsecond)
	}
}

func (testServer) StreamingOutputCall(in *testpb.StreamingOutputCallRequest, st vgrpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	for _, p := range in.GetResponseParameters() {
		sleepInterval(p.GetIntervalUs())
		pl, err := newPayload(in.GetResponseType(), p.GetSize())
		if err != nil {
			return err
		}
		if err := st.Send(&testpb.StreamingOutputCallResponse{Payload: pl}); err != nil {
			return err
		}
	}
	return nil
}

func (testServer) StreamingInputCall(st vgrpc.ClientStreamingServer[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]) error {
	sum := 0
	for {
		in, err := st.Recv()
		if err == io.EOF {
			return st.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: int32(sum)})
		}
		if err != nil {
			return err
		}
		sum += len(in.GetPayload().GetBody())
	}
}

func (testServer) FullDuplexCall(st vgrpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error {
	if err := echoMetadata(vgrpc.IncomingMetadata(st.Context()), st.SendHeader, st.SetTrailer); err != nil {
		return err
	}
	for {
		in, err := st.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if s := in.GetResponseStatus(); s != nil && s.Code != 0 {
			return volo.NewError(volo.Code(s.Code), errorString(s.Message))
		}
		for _, p := range in.GetResponseParameters() {
			sleepInterval(p.GetIntervalUs())
			pl, err := newPayload(in.GetResponseType(), p.GetSize())
			if err != nil {
				return err
			}
			if err := st.Send(&testpb.StreamingOutputCallResponse{Payload: pl}); err != nil {
				return err
			}
		}
	}
}

func (testServer) HalfDuplexCall(st vgrpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error {
	var reqs []*testpb.StreamingOutputCallRequest
	for {
		in, err := st.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		reqs = append(reqs, in)
	}
	for _, in := range reqs {
		for _, p := range in.GetResponseParameters() {
			sleepInterval(p.GetIntervalUs())
			pl, err := newPayload(in.GetResponseType(), p.GetSize())
			if err != nil {
				return err
			}
			if err := st.Send(&testpb.StreamingOutputCallResponse{Payload: pl}); err != nil {
				return err
			}
		}
	}
	return nil
}
