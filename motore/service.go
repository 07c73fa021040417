package motore

import (
	"context"
	"reflect"
	"runtime"
	"strings"
)

// A Service answers one request. Implementations must be safe for concurrent
// use: a built stack is shared by every call.
type Service[Req, Resp any] interface {
	Call(ctx context.Context, req Req) (Resp, error)
}

// ServiceFunc adapts an ordinary function to a Service, like
// http.HandlerFunc.
type ServiceFunc[Req, Resp any] func(ctx context.Context, req Req) (Resp, error)

// Call calls f(ctx, req).
func (f ServiceFunc[Req, Resp]) Call(ctx context.Context, req Req) (Resp, error) {
	return f(ctx, req)
}

func (f ServiceFunc[Req, Resp]) isNilFunc() bool { return f == nil }

// Describe names the service after the function it wraps, as the runtime
// knows it: "main.echo" for a top-level function. A function literal gets a
// name the compiler chooses ("main.main.func1"); for a stable name in stack
// descriptions, give the service a type that implements [Describer].
func (f ServiceFunc[Req, Resp]) Describe() string {
	return funcName(f)
}

// ServiceFn returns f as a Service, inferring the type arguments from f.
func ServiceFn[Req, Resp any](f func(ctx context.Context, req Req) (Resp, error)) Service[Req, Resp] {
	if f == nil {
		return nil
	}
	return ServiceFunc[Req, Resp](f)
}

// funcName returns the short name of the function f holds ("main.echo",
// "main.main.func1"), or "func" when it cannot be found. It is used only when
// a stack is described, never on a call.
func funcName(f any) string {
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Func || v.IsNil() {
		return "func"
	}
	fn := runtime.FuncForPC(v.Pointer())
	if fn == nil {
		return "func"
	}
	name := fn.Name()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	return name
}
