package grpc

import (
	"errors"

	"github.com/govolo/volo/volo"
)

// Errors of the gRPC tree, for errors.Is. Servers and clients wrap them with
// the detail; each has a volo code.
var (
	// ErrTooLarge means a message, a header list or a frame is over its
	// limit; it is refused from its length before anything is allocated.
	// Its code is resource exhausted.
	ErrTooLarge error = volo.NewError(volo.CodeResourceExhausted, errors.New("grpc: over the size limit"))
	// ErrInvalidMetadata means metadata that cannot go on the wire: a
	// reserved or malformed key, a value with bytes outside printable ASCII
	// under a key without "-bin". Its code is internal.
	ErrInvalidMetadata error = volo.NewError(volo.CodeInternal, errors.New("grpc: invalid metadata"))
	// ErrNotServerCall means SetHeader or SetTrailer was called with a
	// context that is not a server call's.
	ErrNotServerCall = errors.New("grpc: not in a server call")
	// ErrCompression means a message is compressed with an encoding this
	// side does not support, or its compressed bytes are corrupt. Its code
	// is internal (unimplemented for an unknown encoding on a server).
	ErrCompression error = volo.NewError(volo.CodeInternal, errors.New("grpc: compression"))
)
