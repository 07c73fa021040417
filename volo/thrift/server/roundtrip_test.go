package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govolo/volo/volo/thrift/thrifttest"
	"github.com/govolo/volo/volo/thrift/thrifttest/echo"

	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/volo"
	"github.com/govolo/volo/volo/thrift"
	"github.com/govolo/volo/volo/thrift/client"
	"github.com/govolo/volo/volo/thrift/frame"
	"github.com/govolo/volo/volo/thrift/server"
	"github.com/govolo/volo/volo/volotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var quiet = server.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))

func upper(_ context.Context, msg string) (string, error) { return strings.ToUpper(msg), nil }

func newEcho(t *testing.T, addr string, opts ...client.Option) *echo.EchoClient {
	t.Helper()
	c, err := client.New("Echo", append([]client.Option{client.WithAddress(addr)}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &echo.EchoClient{Client: c}
}

func TestEchoEveryFraming(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(upper), quiet)
	for _, f := range []frame.Framing{frame.TTHeader, frame.TTHeaderFramed, frame.Framed, frame.Buffered} {
		t.Run(f.String(), func(t *testing.T) {
			e := newEcho(t, ln.Addr().String(), client.WithFraming(f))
			for _, msg := range []string{"hello", "", strings.Repeat("x", 100<<10)} {
				got, err := e.Echo(context.Background(), msg)
				require.NoError(t, err)
				assert.Equal(t, strings.ToUpper(msg), got)
			}
		})
	}
}

func TestMetainfoDeadlineAndBackward(t *testing.T) {
	ln := volotest.ListenTCP(t)
	type seen struct {
		persist, transit string
		deadline         time.Duration
	}
	got := make(chan seen, 1)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		var s seen
		s.persist, _ = metainfo.GetPersistentValue(ctx, "tenant")
		s.transit, _ = metainfo.GetValue(ctx, "stage")
		if d, ok := ctx.Deadline(); ok {
			s.deadline = time.Until(d)
		}
		got <- s
		metainfo.SendBackwardValue(ctx, "served-by", "volo")
		return msg, nil
	}), quiet)
	e := newEcho(t, ln.Addr().String())
	ctx := metainfo.WithPersistentValue(context.Background(), "tenant", "acme")
	ctx = metainfo.WithValue(ctx, "stage", "canary")
	ctx = metainfo.WithBackwardValues(ctx)
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err := e.Echo(ctx, "hi")
	require.NoError(t, err)
	s := <-got
	assert.Equal(t, "acme", s.persist)
	assert.Equal(t, "canary", s.transit)
	assert.Greater(t, s.deadline, 3*time.Second)
	assert.LessOrEqual(t, s.deadline, 5*time.Second)
	v, ok := metainfo.RecvBackwardValue(ctx, "served-by")
	assert.True(t, ok)
	assert.Equal(t, "volo", v)
}

func TestPanicDetails(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(context.Context, string) (string, error) {
		panic("boom")
	}), quiet, server.WithPanicDetails())
	_, err := newEcho(t, ln.Addr().String()).Echo(context.Background(), "x")
	var ae *thrift.ApplicationException
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "volo: the handler of echo panicked: boom", ae.Message)
}

func TestErrors(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		switch msg {
		case "panic":
			panic("boom")
		case "biz":
			return "", &volo.BizError{Status: 1001, Message: "no such user", Extra: map[string]string{"user": "42"}}
		case "fail":
			return "", errors.New("disk full")
		case "slow":
			<-ctx.Done()
			return "", ctx.Err()
		}
		return msg, nil
	}), quiet)
	e := newEcho(t, ln.Addr().String())
	ctx := context.Background()

	_, err := e.Echo(ctx, "panic")
	var ae *thrift.ApplicationException
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, thrift.ExceptionInternalError, ae.Type)
	assert.Equal(t, "volo: the handler of echo panicked", ae.Message, "the panic's value stays on the server")
	assert.Equal(t, volo.CodeInternal, volo.CodeOf(err))

	_, err = e.Echo(ctx, "fail")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, thrift.ExceptionInternalError, ae.Type)
	assert.Contains(t, ae.Message, "disk full")
	assert.Equal(t, volo.CodeUnknown, volo.CodeOf(err), "a plain error's code")

	_, err = e.Echo(ctx, "biz")
	require.ErrorIs(t, err, volo.ErrBiz)
	var be *volo.BizError
	require.ErrorAs(t, err, &be)
	assert.Equal(t, int32(1001), be.Status)
	assert.Equal(t, "no such user", be.Message)
	assert.Equal(t, map[string]string{"user": "42"}, be.Extra)

	tctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err = e.Echo(tctx, "slow")
	// Client and server share the deadline: whichever notices first
	// reports it.
	if !errors.Is(err, volo.ErrTimeout) {
		require.ErrorAs(t, err, &ae)
		assert.Contains(t, ae.Message, "deadline exceeded")
	}
	assert.Equal(t, volo.CodeDeadlineExceeded, volo.CodeOf(err), "either way a deadline")

	// The connection survives all of the above.
	got, err := e.Echo(ctx, "still here")
	require.NoError(t, err)
	assert.Equal(t, "still here", got)

	err = e.Call(ctx, &thrift.MethodDesc{Name: "nope"}, &emptyArgs{}, &emptyArgs{})
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, thrift.ExceptionUnknownMethod, ae.Type)
	assert.Equal(t, volo.CodeUnimplemented, volo.CodeOf(err))
}

func TestClientErrors(t *testing.T) {
	ln := volotest.ListenTCP(t)
	addr := ln.Addr().String()
	ln.Close()
	e := newEcho(t, addr)
	_, err := e.Echo(context.Background(), "x")
	require.ErrorIs(t, err, volo.ErrConnection)

	c, err := client.New("Echo")
	require.NoError(t, err)
	_, err = (&echo.EchoClient{Client: c}).Echo(context.Background(), "x")
	require.ErrorIs(t, err, volo.ErrNoAddress)
	c.Close()
	_, err = (&echo.EchoClient{Client: c}).Echo(context.Background(), "x", client.WithHostPort(addr))
	require.ErrorIs(t, err, volo.ErrClosed)
}

// emptyArgs is a struct with no fields.
type emptyArgs struct{}

func (*emptyArgs) ThriftSize() int              { return thrift.FieldStopSize }
func (*emptyArgs) AppendThrift(b []byte) []byte { return thrift.AppendFieldStop(b) }
func (*emptyArgs) DecodeThrift(d *thrift.Decoder) error {
	if err := d.ReadStructBegin(); err != nil {
		return err
	}
	for {
		t, _, err := d.ReadFieldBegin()
		if err != nil {
			return err
		}
		if t == thrift.TypeStop {
			d.ReadStructEnd()
			return nil
		}
		if err := d.Skip(t); err != nil {
			return err
		}
	}
}

func TestBizErrorWithoutHeaderIsAnException(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(context.Context, string) (string, error) {
		return "", volo.NewBizError(7, "over quota")
	}), quiet)
	e := newEcho(t, ln.Addr().String(), client.WithFraming(frame.Framed))
	_, err := e.Echo(context.Background(), "x")
	var ae *thrift.ApplicationException
	require.ErrorAs(t, err, &ae, "Framed has no header for biz-status")
	assert.Equal(t, thrift.ExceptionInternalError, ae.Type)
	assert.Equal(t, "volo: business error 7: over quota", ae.Message)
}

func TestRawBackwardStyle(t *testing.T) {
	ln := volotest.ListenTCP(t)
	raw := metainfo.NewCodec(metainfo.WithBackwardStyle(metainfo.BackwardRaw))
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		metainfo.SendBackwardValue(ctx, "cost", "1ms")
		return msg, nil
	}), quiet, server.WithCodec(raw))
	e := newEcho(t, ln.Addr().String(), client.WithCodec(raw))
	ctx := metainfo.WithBackwardValues(context.Background())
	_, err := e.Echo(ctx, "x")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"cost": "1ms"}, metainfo.RecvAllBackwardValues(ctx))
}

// The server reuses the map a request's TTHeader keys are read into once
// its metainfo is decoded: no call sees another's keys, concurrent or
// earlier, and a context a handler kept still has its own values after
// later calls reused the map.
func TestMetainfoOfOneCallNeverReachesAnother(t *testing.T) {
	const calls, keys = 200, 5
	ln := volotest.ListenTCP(t)
	var mu sync.Mutex
	kept := map[string]context.Context{}
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		mu.Lock()
		kept[msg] = ctx
		mu.Unlock()
		var got []string
		for k := range keys {
			if v, ok := metainfo.GetPersistentValue(ctx, "k"+strconv.Itoa(k)); ok {
				got = append(got, "k"+strconv.Itoa(k)+"="+v)
			}
		}
		return strings.Join(got, ","), nil
	}), quiet)
	e := newEcho(t, ln.Addr().String(), client.WithMultiplexing(1))
	var wg sync.WaitGroup
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			msg := "v" + strconv.Itoa(i)
			key := "k" + strconv.Itoa(i%keys)
			got, err := e.Echo(metainfo.WithPersistentValue(context.Background(), key, msg), msg)
			if assert.NoError(t, err) {
				assert.Equal(t, key+"="+msg, got)
			}
		}()
	}
	wg.Wait()
	// The handlers wrote kept under mu; a reply on the wire is no
	// synchronisation the race detector knows of.
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, kept, calls)
	for i := range calls {
		msg := "v" + strconv.Itoa(i)
		v, ok := metainfo.GetPersistentValue(kept[msg], "k"+strconv.Itoa(i%keys))
		assert.True(t, ok)
		assert.Equal(t, msg, v, "a kept context keeps its own values")
	}
}

// Backward values go back only on TTHeader: on Framed and Buffered the
// handler's context does not collect them, and SendBackwardValue says so.
func TestBackwardValuesOnlyOnTTHeader(t *testing.T) {
	ln := volotest.ListenTCP(t)
	thrifttest.StartServer(t, ln, echo.EchoServiceDesc, thrifttest.EchoFunc(func(ctx context.Context, msg string) (string, error) {
		return strconv.FormatBool(metainfo.SendBackwardValue(ctx, "k", "v")), nil
	}), quiet)
	for f, want := range map[frame.Framing]string{frame.TTHeader: "true", frame.TTHeaderFramed: "true", frame.Framed: "false", frame.Buffered: "false"} {
		e := newEcho(t, ln.Addr().String(), client.WithFraming(f))
		ctx := metainfo.WithBackwardValues(context.Background())
		got, err := e.Echo(ctx, "x")
		require.NoError(t, err, f)
		assert.Equal(t, want, got, f)
		v, _ := metainfo.RecvBackwardValue(ctx, "k")
		assert.Equal(t, map[string]string{"true": "v", "false": ""}[want], v, f)
	}
}
