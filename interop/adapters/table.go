package adapters

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/time/rate"

	"github.com/govolo/volo/ext/circuitbreaker"
	"github.com/govolo/volo/ext/ratelimit"
	"github.com/govolo/volo/ext/tracing"
	"github.com/govolo/volo/metainfo"
	"github.com/govolo/volo/motore"
	"github.com/govolo/volo/volo"
)

// Handler is the application behind a server: it echoes msg.
type Handler func(ctx context.Context, msg string) (string, error)

// Caller calls the echo method of a server through a client stack; its
// error is what a user of the framework gets.
type Caller func(ctx context.Context, msg string) (string, error)

// Stack says what the shared stacks hold; [ServerMiddleware] and
// [ClientMiddleware] build them for a framework's types.
type Stack struct {
	// Limiter, when set, puts ext/ratelimit's Rate layer on the server.
	Limiter *rate.Limiter
	// BreakerFailures, when set, puts an ext/circuitbreaker breaker on the
	// server that opens after that many failures in a row, for
	// BreakerOpen.
	BreakerFailures uint32
	BreakerOpen     time.Duration
	// Timeout, when set, puts motore's Timeout on the server, inside the
	// breaker, so that timeouts count as failures.
	Timeout time.Duration
	// Tracer is where both sides' ext/tracing layers record spans.
	Tracer trace.TracerProvider
	// Tracing holds more options for both tracing layers.
	Tracing []tracing.Option
}

// ServerMiddleware builds the shared server stack for a framework's
// types: tracing, then the rate limit, the breaker and the timeout that s
// asks for.
func ServerMiddleware[Req, Resp any](s Stack, info func(ctx context.Context, req Req) tracing.CallInfo) motore.Middleware[Req, Resp] {
	opts := append([]tracing.Option{tracing.WithTracerProvider(s.Tracer)}, s.Tracing...)
	b := motore.NewBuilder[Req, Resp]().Layer(tracing.Server[Req, Resp](info, tracing.ServerOptions(opts)...))
	if s.Limiter != nil {
		b = b.Layer(ratelimit.Rate[Req, Resp](s.Limiter))
	}
	if s.BreakerFailures > 0 {
		b = b.Layer(circuitbreaker.New[Req, Resp](nil,
			circuitbreaker.WithConsecutiveFailures(s.BreakerFailures),
			circuitbreaker.WithoutFailureRate(),
			circuitbreaker.WithOpenTimeout(s.BreakerOpen),
		))
	}
	if s.Timeout > 0 {
		b = b.Layer(motore.Timeout[Req, Resp](s.Timeout))
	}
	return b.Middleware()
}

// ClientMiddleware builds the shared client stack: tracing.
func ClientMiddleware[Req, Resp any](s Stack, info func(ctx context.Context, req Req) tracing.CallInfo) motore.Middleware[Req, Resp] {
	opts := append([]tracing.Option{tracing.WithTracerProvider(s.Tracer)}, s.Tracing...)
	return tracing.Client[Req, Resp](info, tracing.ClientOptions(opts)...)
}

// Framework is what a framework's test tells the table.
type Framework struct {
	// Name names the framework in test names.
	Name string
	// System and Method are the rpc.system.name and rpc.method of the
	// server spans of the echo method.
	System, Method string
	// Codes are the framework's own names of the codes the table checks.
	Codes map[volo.Code]string
	// NativeCode returns the framework's own name for the code of a
	// Caller's error ("ResourceExhausted", "429").
	NativeCode func(err error) string
	// RetryAfter reads the retry hint a client got with a rejection, or
	// is nil where the framework's client does not carry one.
	RetryAfter func(err error) (time.Duration, bool)
	// Tracing holds tracing options the framework needs on both sides.
	Tracing []tracing.Option
	// Serve serves h on loopback through the server stack of s, until
	// the test ends, and returns its address.
	Serve func(t testing.TB, s Stack, h Handler) string
	// Dial returns a Caller of the server at addr through the client
	// stack of s.
	Dial func(t testing.TB, s Stack, addr string) Caller
}

// Case is one behaviour of the table.
type Case struct {
	Name string
	Run  func(t *testing.T, f Framework)
}

// Run runs every case of the table against f.
func Run(t *testing.T, f Framework) {
	for _, c := range Cases {
		t.Run(c.Name, func(t *testing.T) { c.Run(t, f) })
	}
}

// Cases is the table.
var Cases = []Case{
	{"limit rejects", limitRejects},
	{"breaker opens and recovers", breakerOpensAndRecovers},
	{"span recorded with the right attributes", spanRecorded},
	{"metainfo passes through two hops", metainfoTwoHops},
	{"errors map", errorsMap},
}

// callTimeout bounds every call of the table.
const callTimeout = 5 * time.Second

func newStack(f Framework) (Stack, *tracetest.SpanRecorder) {
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	return Stack{Tracer: tp, Tracing: f.Tracing}, rec
}

func call(t *testing.T, c Caller, ctx context.Context, msg string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	return c(ctx, msg)
}

func upper(_ context.Context, msg string) (string, error) { return strings.ToUpper(msg), nil }

// assertCode checks a client's error against a code, in volo's terms and
// in the framework's own.
func assertCode(t *testing.T, f Framework, err error, want volo.Code) {
	t.Helper()
	require.Error(t, err)
	assert.Equal(t, want, volo.CodeOf(err), "volo.CodeOf(%v)", err)
	assert.Equal(t, f.Codes[want], f.NativeCode(err), "the framework's own code of %v", err)
}

func limitRejects(t *testing.T, f Framework) {
	s, _ := newStack(f)
	s.Limiter = rate.NewLimiter(rate.Every(time.Hour), 1)
	c := f.Dial(t, s, f.Serve(t, s, upper))
	got, err := call(t, c, context.Background(), "hi")
	require.NoError(t, err)
	assert.Equal(t, "HI", got)
	_, err = call(t, c, context.Background(), "hi")
	assertCode(t, f, err, volo.CodeResourceExhausted)
	if f.RetryAfter != nil {
		d, ok := f.RetryAfter(err)
		assert.True(t, ok, "a retry hint")
		assert.Greater(t, d, 30*time.Minute, "the hint of a bucket that refills in an hour")
	}
}

func breakerOpensAndRecovers(t *testing.T, f Framework) {
	s, _ := newStack(f)
	// Open long enough that the call after the third failure finds it
	// open on a loaded machine, short enough to wait for.
	s.BreakerFailures, s.BreakerOpen = 3, 300*time.Millisecond
	var failing atomic.Bool
	var served atomic.Int64
	failing.Store(true)
	c := f.Dial(t, s, f.Serve(t, s, func(ctx context.Context, msg string) (string, error) {
		served.Add(1)
		if failing.Load() {
			return "", errors.New("backend down")
		}
		return upper(ctx, msg)
	}))
	for range 3 {
		_, err := call(t, c, context.Background(), "hi")
		require.Error(t, err)
	}
	_, err := call(t, c, context.Background(), "hi")
	assertCode(t, f, err, volo.CodeUnavailable)
	assert.EqualValues(t, 3, served.Load(), "an open breaker does not call the handler")

	failing.Store(false)
	deadline := time.Now().Add(callTimeout)
	for {
		got, err := call(t, c, context.Background(), "hi")
		if err == nil {
			assert.Equal(t, "HI", got)
			break
		}
		require.True(t, time.Now().Before(deadline), "the breaker did not recover: %v", err)
		time.Sleep(10 * time.Millisecond)
	}
	got, err := call(t, c, context.Background(), "again")
	require.NoError(t, err, "closed again")
	assert.Equal(t, "AGAIN", got)
}

func spanRecorded(t *testing.T, f Framework) {
	s, rec := newStack(f)
	c := f.Dial(t, s, f.Serve(t, s, upper))
	_, err := call(t, c, context.Background(), "hi")
	require.NoError(t, err)

	client := findSpan(t, rec, trace.SpanKindClient)
	server := findSpan(t, rec, trace.SpanKindServer)
	assert.Equal(t, f.Method, server.Name())
	attrs := attrMap(server.Attributes())
	assert.Equal(t, f.System, attrs["rpc.system.name"])
	assert.Equal(t, f.Method, attrs["rpc.method"])
	assert.Equal(t, client.SpanContext().TraceID(), server.SpanContext().TraceID(), "one trace")
	assert.Equal(t, client.SpanContext().SpanID(), server.Parent().SpanID(), "the client's span is the server's parent")
	assert.True(t, server.Parent().IsRemote())
}

func findSpan(t *testing.T, rec *tracetest.SpanRecorder, kind trace.SpanKind) sdktrace.ReadOnlySpan {
	t.Helper()
	var found []sdktrace.ReadOnlySpan
	for _, s := range rec.Ended() {
		if s.SpanKind() == kind {
			found = append(found, s)
		}
	}
	require.Len(t, found, 1, "spans of kind %v", kind)
	return found[0]
}

func attrMap(kvs []attribute.KeyValue) map[string]string {
	m := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.String()
	}
	return m
}

func metainfoTwoHops(t *testing.T, f Framework) {
	s, rec := newStack(f)
	back := f.Serve(t, s, func(ctx context.Context, msg string) (string, error) {
		tenant, _ := metainfo.GetPersistentValue(ctx, "TENANT")
		_, tagged := metainfo.GetValue(ctx, "TAG")
		metainfo.SendBackwardValue(ctx, "SERVED_BY", "back")
		return "back(" + msg + ", tenant=" + tenant + ", tag seen=" + boolString(tagged) + ")", nil
	})
	toBack := f.Dial(t, s, back)
	front := f.Serve(t, s, func(ctx context.Context, msg string) (string, error) {
		tag, _ := metainfo.GetValue(ctx, "TAG")
		bctx := metainfo.WithBackwardValues(ctx)
		got, err := toBack(bctx, msg)
		if err != nil {
			return "", err
		}
		by, _ := metainfo.RecvBackwardValue(bctx, "SERVED_BY")
		metainfo.SendBackwardValue(ctx, "VIA", "front+"+by)
		return "front(tag=" + tag + ") " + got, nil
	})
	c := f.Dial(t, s, front)

	ctx := metainfo.WithPersistentValue(context.Background(), "TENANT", "acme")
	ctx = metainfo.WithValue(ctx, "TAG", "blue")
	ctx = metainfo.WithBackwardValues(ctx)
	got, err := call(t, c, ctx, "hi")
	require.NoError(t, err)
	assert.Equal(t, "front(tag=blue) back(hi, tenant=acme, tag seen=false)", got,
		"the persistent value reaches the second hop, the transient one only the first")
	via, _ := metainfo.RecvBackwardValue(ctx, "VIA")
	assert.Equal(t, "front+back", via, "backward values come back hop by hop")

	spans := rec.Ended()
	require.Len(t, spans, 4, "two clients, two servers")
	for _, sp := range spans {
		assert.Equal(t, spans[0].SpanContext().TraceID(), sp.SpanContext().TraceID(), "one trace across both hops")
	}
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func errorsMap(t *testing.T, f Framework) {
	s, _ := newStack(f)
	s.Timeout = 30 * time.Millisecond
	c := f.Dial(t, s, f.Serve(t, s, func(ctx context.Context, msg string) (string, error) {
		switch msg {
		case "slow":
			<-ctx.Done()
			return "", ctx.Err()
		case "missing":
			return "", volo.Errorf(volo.CodeNotFound, "no %s here", msg)
		case "limited":
			// A limit further down, as a handler that calls on passes it.
			return "", &ratelimit.LimitedError{Limiter: "concurrency"}
		}
		return upper(ctx, msg)
	}))
	for _, tc := range []struct {
		msg  string
		code volo.Code
	}{
		{"slow", volo.CodeDeadlineExceeded},
		{"missing", volo.CodeNotFound},
		{"limited", volo.CodeResourceExhausted},
	} {
		_, err := call(t, c, context.Background(), tc.msg)
		assertCode(t, f, err, tc.code)
	}
}
