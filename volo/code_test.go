package volo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/govolo/volo/volo"
)

// named has a code the way the ext modules' errors do: by name, without
// importing volo.
type named string

func (n named) Error() string   { return "named " + string(n) }
func (n named) RPCCode() string { return string(n) }

func TestCodeOf(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want volo.Code
	}{
		{nil, volo.CodeOK},
		{errors.New("plain"), volo.CodeUnknown},
		{context.Canceled, volo.CodeCanceled},
		{fmt.Errorf("wrapped: %w", context.DeadlineExceeded), volo.CodeDeadlineExceeded},
		{volo.ErrTimeout, volo.CodeDeadlineExceeded},
		{fmt.Errorf("%w: dialing: %w", volo.ErrConnection, errors.New("refused")), volo.CodeUnavailable},
		{volo.ErrProtocol, volo.CodeInternal},
		{volo.ErrNoAddress, volo.CodeUnavailable},
		{volo.ErrClosed, volo.CodeCanceled},
		{volo.ErrServerClosed, volo.CodeUnavailable},
		{volo.NewBizError(1, "no"), volo.CodeUnknown},
		{volo.Errorf(volo.CodeNotFound, "user %d", 7), volo.CodeNotFound},
		{fmt.Errorf("layer: %w", volo.NewError(volo.CodePermissionDenied, nil)), volo.CodePermissionDenied},
		{named("resource_exhausted"), volo.CodeResourceExhausted},
		{named("no_such_code"), volo.CodeUnknown},
		{named("ok"), volo.CodeUnknown}, // an error is never OK
		// The first coded error in the chain wins: a timeout that
		// wraps what the peer said is a timeout.
		{fmt.Errorf("%w: %w", volo.ErrTimeout, named("unavailable")), volo.CodeDeadlineExceeded},
	} {
		assert.Equal(t, tc.want, volo.CodeOf(tc.err), "%v", tc.err)
	}
}

func TestCodeNames(t *testing.T) {
	for c := volo.CodeOK; c <= volo.CodeUnauthenticated; c++ {
		got, ok := volo.ParseCode(c.String())
		assert.True(t, ok, c.String())
		assert.Equal(t, c, got)
	}
	assert.Equal(t, "resource_exhausted", volo.CodeResourceExhausted.String())
	assert.Equal(t, "code_99", volo.Code(99).String())
	_, ok := volo.ParseCode("code_99")
	assert.False(t, ok)
}

func TestError(t *testing.T) {
	cause := errors.New("no row")
	err := volo.NewError(volo.CodeNotFound, cause)
	assert.Equal(t, "volo: not_found: no row", err.Error())
	assert.Equal(t, "no row", err.Message())
	assert.ErrorIs(t, err, cause)
	assert.False(t, err.Remote())
	assert.Equal(t, "volo: internal", volo.NewError(volo.CodeInternal, nil).Error())

	wrapped := volo.Errorf(volo.CodeAborted, "conflict on %s: %w", "row 1", cause)
	assert.Equal(t, "conflict on row 1: no row", wrapped.Message())
	assert.ErrorIs(t, wrapped, cause)

	remote := volo.NewRemoteError(volo.CodeUnavailable, "draining")
	assert.True(t, remote.Remote())
	assert.Equal(t, volo.CodeUnavailable, volo.CodeOf(remote))
}

func TestCallInfo(t *testing.T) {
	assert.Equal(t, "Echo/echo", volo.CallInfo{Service: "Echo", Method: "echo"}.FullMethod())
	assert.Equal(t, "echo", volo.CallInfo{Method: "echo"}.FullMethod())
}
