package tracing

import (
	"context"
	"errors"
	"runtime/debug"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/govolo/volo/motore"
)

// service is what a [Client] or [Server] layer produces.
type service[Req, Resp any] struct {
	next   motore.Service[Req, Resp]
	info   func(ctx context.Context, req Req) CallInfo
	side   side
	kind   trace.SpanStartOption // made once: boxing it costs an allocation
	cfg    *config
	tracer trace.Tracer // nil when spans are off (a no-op provider)
	hist   metric.Float64Histogram
	series *series
	prop   propagation.TextMapPropagator
}

// Call traces and measures one call. With no-op providers it allocates
// nothing: the span is skipped and the histogram reports itself disabled.
func (s *service[Req, Resp]) Call(ctx context.Context, req Req) (resp Resp, err error) {
	info := s.info(ctx, req)
	if s.cfg.filter != nil && !s.cfg.filter(ctx, info) {
		return s.next.Call(ctx, req)
	}
	if s.side == serverSide {
		ctx = Extract(ctx, s.prop)
	}
	measure := s.hist.Enabled(ctx)
	var method string
	if s.tracer != nil || measure {
		method = info.FullMethod()
	}
	var span trace.Span
	if s.tracer != nil {
		ctx, span = s.start(ctx, &info, method)
	}
	if s.side == clientSide {
		ctx = Inject(ctx, s.prop)
	}
	var start time.Time
	if measure {
		start = time.Now()
	}
	done := false
	defer func() {
		if done {
			return
		}
		// The inner service panicked: end the span with the stack, then let
		// the panic go on. Or it called runtime.Goexit, where r is nil: the
		// call did not finish, and must not count as a success.
		r := recover()
		perr := errGoexit
		if r != nil {
			perr = &motore.PanicError{Value: r, Stack: debug.Stack()}
		}
		s.end(ctx, span, &info, method, start, measure, perr)
		if r != nil {
			panic(r)
		}
	}()
	resp, err = s.next.Call(ctx, req)
	done = true
	s.end(ctx, span, &info, method, start, measure, err)
	return resp, err
}

// errGoexit is the error a span and a measurement get for a call whose
// inner service called runtime.Goexit; its error.type is "goexit".
var errGoexit = errors.New("tracing: the inner service called runtime.Goexit")

// start opens the call's span.
func (s *service[Req, Resp]) start(ctx context.Context, info *CallInfo, method string) (context.Context, trace.Span) {
	var buf [10]attribute.KeyValue
	attrs := info.spanAttrs(buf[:0], method)
	attrs = append(attrs, s.cfg.spanAttrs...)
	if s.cfg.attrsFn != nil {
		attrs = append(attrs, s.cfg.attrsFn(ctx, *info)...)
	}
	var optBuf [4]trace.SpanStartOption
	opts := append(optBuf[:0], s.kind, trace.WithAttributes(attrs...))
	if s.side == serverSide && s.cfg.public {
		opts = append(opts, trace.WithNewRoot())
		if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
			opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
		}
	}
	name := method
	if name == "" {
		// The conventions fall back to the system's name.
		name = info.System
		if name == "" {
			name = "rpc"
		}
	}
	return s.tracer.Start(ctx, name, opts...)
}

// end closes the span and records the duration.
func (s *service[Req, Resp]) end(ctx context.Context, span trace.Span, info *CallInfo, method string, start time.Time, measure bool, err error) {
	o := s.cfg.outcome(err)
	if span != nil {
		if o.status != "" || o.errorType != "" {
			// Declared here: the slice escapes into the span, and a
			// successful call without a status code should not pay for it.
			var buf [2]attribute.KeyValue
			span.SetAttributes(o.appendTo(buf[:0])...)
		}
		if err != nil {
			recordPanic(span, err)
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
	}
	if measure {
		s.hist.Record(ctx, time.Since(start).Seconds(), s.series.options(info, method, o)...)
	}
}

// recordPanic adds an exception event with the goroutine's stack when err
// is a recovered panic, ours or one a motore.CatchPanic layer below caught.
func recordPanic(span trace.Span, err error) {
	var pe *motore.PanicError
	if !errors.As(err, &pe) {
		return
	}
	span.RecordError(pe, trace.WithAttributes(semconv.ExceptionStacktrace(string(pe.Stack))))
}

// Describe names the layer in stack descriptions: "tracing(client)" or
// "tracing(server)".
func (s *service[Req, Resp]) Describe() string { return "tracing(" + s.side.String() + ")" }

// Unwrap returns the next service, so motore.Describe can walk the stack.
func (s *service[Req, Resp]) Unwrap() any { return s.next }
