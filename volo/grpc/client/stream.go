package client

import (
	"context"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/grpc"
)

// streamTransport is the bottom of the stream stack: it opens a stream on
// a pooled connection to the call's address.
type streamTransport struct{ t *transport }

// Describe names the transport in stack descriptions.
func (s streamTransport) Describe() string { return "grpc-stream-transport" }

func (s streamTransport) Call(ctx context.Context, call *grpc.Call) (grpc.ClientStream, error) {
	return nil, volo.Errorf(volo.CodeUnimplemented, "volo: streaming calls are not implemented by this transport yet")
}
