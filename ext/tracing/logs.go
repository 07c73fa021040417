package tracing

import (
	"context"
	"log/slog"

	"go.opentelemetry.io/otel/trace"
)

// Keys of the attributes [NewLogHandler] adds, as the OpenTelemetry log
// data model names the fields.
const (
	TraceIDKey = "trace_id"
	SpanIDKey  = "span_id"
)

// NewLogHandler wraps h so that a record logged with a context that
// carries a valid span (slog.InfoContext and the like) gets the span's
// trace_id and span_id, joining a service's logs to its traces. Records
// logged without such a context pass through untouched. After WithGroup the two attributes land in the group, as any
// attribute added by a handler does.
func NewLogHandler(h slog.Handler) slog.Handler {
	return logHandler{h: h}
}

type logHandler struct {
	h slog.Handler
}

func (l logHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l logHandler) Handle(ctx context.Context, r slog.Record) error {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		// Clone: the caller's record may share its attribute storage.
		r = r.Clone()
		r.AddAttrs(slog.String(TraceIDKey, sc.TraceID().String()), slog.String(SpanIDKey, sc.SpanID().String()))
	}
	return l.h.Handle(ctx, r)
}

func (l logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return logHandler{h: l.h.WithAttrs(attrs)}
}

func (l logHandler) WithGroup(name string) slog.Handler {
	return logHandler{h: l.h.WithGroup(name)}
}
