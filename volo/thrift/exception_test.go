package thrift_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
)

func decodeException(t *testing.T, e *thrift.ApplicationException) *thrift.ApplicationException {
	t.Helper()
	b := e.AppendThrift(make([]byte, 0, e.ThriftSize()))
	require.Len(t, b, e.ThriftSize())
	var got thrift.ApplicationException
	require.NoError(t, got.DecodeThrift(thrift.NewDecoder(b)))
	return &got
}

// Every code reaches the caller: through the exception type where one
// says it, through the code field otherwise.
func TestExceptionCarriesEveryCode(t *testing.T) {
	for c := volo.CodeCanceled; c <= volo.CodeUnauthenticated; c++ {
		sent := thrift.ExceptionFor(volo.Errorf(c, "because"))
		assert.Equal(t, "because", sent.Message)
		assert.Equal(t, thrift.ExceptionTypeOf(c), sent.Type)
		got := decodeException(t, sent)
		assert.Equal(t, c, volo.CodeOf(got), c.String())
	}
	// Codes that the type says alone send no field.
	e := thrift.ExceptionFor(volo.Errorf(volo.CodeUnimplemented, "no such method"))
	assert.Equal(t, thrift.ExceptionUnknownMethod, e.Type)
	assert.Equal(t, volo.CodeOK, e.Code)
	assert.Equal(t, thrift.NewApplicationException(thrift.ExceptionUnknownMethod, "no such method").ThriftSize(), e.ThriftSize(),
		"as Apache encodes it")
}

func TestExceptionFor(t *testing.T) {
	ae := thrift.NewApplicationException(thrift.ExceptionProtocolError, "bad args")
	assert.Same(t, ae, thrift.ExceptionFor(fmt.Errorf("wrapped: %w", ae)), "an exception is sent as it is")

	// A code given over a downstream peer's exception is the one sent.
	wrapped := thrift.ExceptionFor(volo.NewError(volo.CodeNotFound, ae))
	assert.Equal(t, volo.CodeNotFound, volo.CodeOf(decodeException(t, wrapped)))
	assert.Equal(t, ae.Error(), wrapped.Message)

	plain := thrift.ExceptionFor(errors.New("disk full"))
	assert.Equal(t, thrift.ExceptionInternalError, plain.Type, "what Apache servers send for a handler's error")
	assert.Equal(t, "disk full", plain.Message)
	assert.Equal(t, volo.CodeUnknown, volo.CodeOf(decodeException(t, plain)))

	timeout := thrift.ExceptionFor(fmt.Errorf("%w: db", volo.ErrTimeout))
	assert.Equal(t, volo.CodeDeadlineExceeded, volo.CodeOf(decodeException(t, timeout)))
}

// An exception from a peer that sends no code reads as its type says.
func TestExceptionTypeCodes(t *testing.T) {
	for typ, want := range map[thrift.ExceptionType]volo.Code{
		thrift.ExceptionUnknown:               volo.CodeUnknown,
		thrift.ExceptionUnknownMethod:         volo.CodeUnimplemented,
		thrift.ExceptionInvalidMessageType:    volo.CodeInternal,
		thrift.ExceptionWrongMethodName:       volo.CodeInternal,
		thrift.ExceptionBadSequenceID:         volo.CodeInternal,
		thrift.ExceptionMissingResult:         volo.CodeInternal,
		thrift.ExceptionInternalError:         volo.CodeInternal,
		thrift.ExceptionProtocolError:         volo.CodeInvalidArgument,
		thrift.ExceptionInvalidTransform:      volo.CodeUnimplemented,
		thrift.ExceptionInvalidProtocol:       volo.CodeUnimplemented,
		thrift.ExceptionUnsupportedClientType: volo.CodeUnimplemented,
		thrift.ExceptionType(99):              volo.CodeUnknown,
	} {
		assert.Equal(t, want, volo.CodeOf(thrift.NewApplicationException(typ, "")), typ.String())
	}
}

// A refusal that says the call did not run keeps saying it on the wire;
// an error that wraps one, a handler's, does not.
func TestExceptionNotRun(t *testing.T) {
	refusal := &thrift.ApplicationException{Message: "shutting down", Type: thrift.ExceptionInternalError, Code: volo.CodeUnavailable, NotRun: true}
	got := decodeException(t, refusal)
	assert.Equal(t, *refusal, *got)
	assert.Equal(t, volo.CodeUnavailable, volo.CodeOf(got))

	passedOn := thrift.ExceptionFor(fmt.Errorf("calling downstream: %w", refusal))
	assert.False(t, passedOn.NotRun, "the handler that passes it on did run")
	assert.Equal(t, refusal.Message, passedOn.Message)
	assert.Equal(t, volo.CodeUnavailable, passedOn.Code)
	assert.True(t, refusal.NotRun, "the original is left alone")

	plain := thrift.NewApplicationException(thrift.ExceptionInternalError, "x")
	assert.False(t, decodeException(t, plain).NotRun)
}
