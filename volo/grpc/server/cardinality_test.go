package server_test

import (
	"errors"
	"io"
	"testing"

	ggrpc "google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/encoding"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/govolo/volo/volo"
	vgrpc "github.com/govolo/volo/volo/grpc"
)

// rawStream opens method as a bidi stream with grpc-go, which lets a test
// send a unary or server-streaming method no request or two, and returns
// the status the server ends it with.
func rawStream(t *testing.T, cc *ggrpc.ClientConn, method string, n int) error {
	t.Helper()
	st, err := cc.NewStream(ctxT(t), &ggrpc.StreamDesc{ClientStreams: true, ServerStreams: true}, method)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if err := st.SendMsg(&testpb.StreamingOutputCallRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	for {
		if err := st.RecvMsg(new(testpb.StreamingOutputCallResponse)); err != nil {
			return err
		}
	}
}

// A unary or server-streaming call with no request or two is a
// cardinality violation, which gRPC's status code list makes
// UNIMPLEMENTED.
func TestRequestCardinality(t *testing.T) {
	_, cc, _ := startConnWith(t, streamServiceDesc, fullImpl{impl: impl{started: make(chan struct{}, 1)}})
	for _, m := range []string{"/grpc.testing.TestService/UnaryCall", "/grpc.testing.TestService/StreamingOutputCall"} {
		for _, n := range []int{0, 2} {
			if err := rawStream(t, cc, m, n); status.Code(err) != codes.Unimplemented {
				t.Errorf("%s with %d requests: got %v, want unimplemented", m, n, err)
			}
		}
		if err := rawStream(t, cc, m, 1); !errors.Is(err, io.EOF) {
			t.Errorf("%s with one request: %v", m, err)
		}
	}
}

// failing is a bidi method whose handler sets headers and fails before it
// sends a message.
var failing = &vgrpc.ServiceDesc{
	Name: "test.Failing",
	Streams: []*vgrpc.StreamDesc{{
		Name: "Fail", Kind: vgrpc.BidiStreaming,
		NewRequest:  func() proto.Message { return new(testpb.Empty) },
		NewResponse: func() proto.Message { return new(testpb.Empty) },
		Handler: func(_ any, st vgrpc.ServerStream) error {
			if err := st.SetHeader(vgrpc.Pairs("x-h", "1")); err != nil {
				return err
			}
			st.SetTrailer(vgrpc.Pairs("x-t", "2"))
			return vgrpc.Status{Code: volo.CodeFailedPrecondition, Message: "no"}.Err()
		},
	}},
}

// Headers a handler set are sent as headers even when it fails before a
// message: grpc-go's client reads those of a trailers-only response as
// trailers.
func TestHeadersOfAFailedStream(t *testing.T) {
	_, cc, _ := startConnWith(t, failing, struct{}{})
	st, err := cc.NewStream(ctxT(t), &ggrpc.StreamDesc{ClientStreams: true, ServerStreams: true}, "/test.Failing/Fail")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CloseSend(); err != nil {
		t.Fatal(err)
	}
	if err := st.RecvMsg(new(testpb.Empty)); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("got %v, want failed_precondition", err)
	}
	hdr, err := st.Header()
	if err != nil || len(hdr.Get("x-h")) != 1 {
		t.Fatalf("headers %v, %v; want x-h", hdr, err)
	}
	if tr := st.Trailer(); len(tr.Get("x-t")) != 1 || len(tr.Get("x-h")) != 0 {
		t.Fatalf("trailers %v, want x-t only", tr)
	}
}

// namedCodec is protobuf under another content-subtype.
type namedCodec string

func (namedCodec) Marshal(v any) ([]byte, error)   { return proto.Marshal(v.(proto.Message)) }
func (namedCodec) Unmarshal(b []byte, v any) error { return proto.Unmarshal(b, v.(proto.Message)) }
func (c namedCodec) Name() string                  { return string(c) }

var _ encoding.Codec = namedCodec("")

// The server serves the proto codec only: another content-subtype fails
// with a gRPC status, and +proto is served.
func TestContentSubtype(t *testing.T) {
	_, cc, _ := startConn(t)
	c := testpb.NewTestServiceClient(cc)
	if _, err := c.EmptyCall(ctxT(t), &testpb.Empty{}, ggrpc.ForceCodec(namedCodec("json"))); status.Code(err) != codes.Internal {
		t.Errorf("application/grpc+json: got %v, want internal", err)
	}
	if _, err := c.EmptyCall(ctxT(t), &testpb.Empty{}, ggrpc.ForceCodec(namedCodec("proto"))); err != nil {
		t.Errorf("application/grpc+proto: %v", err)
	}
}
