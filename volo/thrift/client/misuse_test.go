package client_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"
)

func TestNewRefusesAnEmptyServiceName(t *testing.T) {
	c, err := client.New("")
	assert.ErrorIs(t, err, client.ErrInvalidService)
	assert.Nil(t, c)
}

func TestCallWithoutMethodArgsOrResultIsInvalid(t *testing.T) {
	c, err := client.New("Echo", client.WithAddress("127.0.0.1:1"))
	require.NoError(t, err)
	defer c.Close()
	m := echo.EchoServiceDesc.Methods[0]
	assert.ErrorIs(t, c.Call(context.Background(), nil, &echo.EchoEchoArgs{}, &echo.EchoEchoResult{}), client.ErrInvalidCall)
	assert.ErrorIs(t, c.Call(context.Background(), m, nil, &echo.EchoEchoResult{}), client.ErrInvalidCall)
	assert.ErrorIs(t, c.Call(context.Background(), m, &echo.EchoEchoArgs{}, nil), client.ErrInvalidCall)
}

// syncBuffer is a log sink safe for the client's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLoggerReportsAFailedDial(t *testing.T) {
	var out syncBuffer
	log := slog.New(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	addr := deadAddr(t)
	c := echoClient(t, client.WithAddress(addr), client.WithLogger(log))
	_, err := c.Echo(context.Background(), "hi")
	require.Error(t, err)
	assert.Contains(t, out.String(), "dial failed")
	assert.Contains(t, out.String(), addr)
}
