package motore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/govolo/volo/motore"
)

// A middleware is one function that receives the call and the next service.
func Example() {
	logging := motore.MiddlewareFn("logging", func(ctx context.Context, req string, next motore.Service[string, string]) (string, error) {
		fmt.Printf("-> %q\n", req)
		resp, err := next.Call(ctx, req)
		fmt.Printf("<- %q, %v\n", resp, err)
		return resp, err
	})
	svc := logging.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) {
		return strings.ToUpper(req), nil
	}))
	_, _ = svc.Call(context.Background(), "hello")
	// Output:
	// -> "hello"
	// <- "HELLO", <nil>
}

func ExampleServiceFunc() {
	var svc motore.Service[int, int] = motore.ServiceFunc[int, int](func(_ context.Context, n int) (int, error) {
		return n * n, nil
	})
	fmt.Println(svc.Call(context.Background(), 7))
	// Output: 49 <nil>
}

func ExampleServiceFn() {
	svc := motore.ServiceFn(func(_ context.Context, name string) (string, error) {
		return "hello, " + name, nil
	})
	fmt.Println(svc.Call(context.Background(), "volo"))
	// Output: hello, volo <nil>
}

func ExampleMiddlewareFunc() {
	var shout motore.Middleware[string, string] = motore.MiddlewareFunc[string, string](
		func(ctx context.Context, req string, next motore.Service[string, string]) (string, error) {
			resp, err := next.Call(ctx, req)
			return resp + "!", err
		})
	svc := shout.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil }))
	fmt.Println(svc.Call(context.Background(), "hey"))
	// Output: hey! <nil>
}

func ExampleMiddlewareFn() {
	auth := motore.MiddlewareFn("auth", func(ctx context.Context, req string, next motore.Service[string, string]) (string, error) {
		if !strings.HasPrefix(req, "token:") {
			return "", errors.New("unauthenticated")
		}
		return next.Call(ctx, strings.TrimPrefix(req, "token:"))
	})
	svc := auth.Layer(motore.ServiceFn(upper))
	fmt.Println(svc.Call(context.Background(), "token:alice"))
	fmt.Println(svc.Call(context.Background(), "alice"))
	fmt.Println(motore.Describe(svc))
	// Output:
	// ALICE <nil>
	//  unauthenticated
	// auth -> motore_test.upper
}

func ExampleLayerFn() {
	// A layer written as a function of the inner service.
	prefix := motore.LayerFn(func(next motore.Service[string, string]) motore.Service[string, string] {
		return motore.ServiceFn(func(ctx context.Context, req string) (string, error) {
			return next.Call(ctx, "prefix/"+req)
		})
	})
	svc := prefix.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil }))
	fmt.Println(svc.Call(context.Background(), "key"))
	// Output: prefix/key <nil>
}

func ExampleLayerFunc() {
	var twice motore.Layer[motore.Service[int, int], motore.Service[int, int]] = motore.LayerFunc[motore.Service[int, int], motore.Service[int, int]](
		func(next motore.Service[int, int]) motore.Service[int, int] {
			return motore.ServiceFn(func(ctx context.Context, n int) (int, error) {
				m, err := next.Call(ctx, n)
				if err != nil {
					return 0, err
				}
				return next.Call(ctx, m)
			})
		})
	inc := motore.ServiceFn(func(_ context.Context, n int) (int, error) { return n + 1, nil })
	fmt.Println(twice.Layer(inc).Call(context.Background(), 1))
	// Output: 3 <nil>
}

// upper is a top-level function: stack descriptions name it after itself.
func upper(_ context.Context, req string) (string, error) { return strings.ToUpper(req), nil }

// greeter names itself in stack descriptions by implementing Describer.
type greeter struct{}

func (greeter) Call(_ context.Context, name string) (string, error) { return "hello, " + name, nil }
func (greeter) Describe() string                                    { return "greeter(v2)" }

func tag(name string) motore.Middleware[string, string] {
	return motore.MiddlewareFn(name, func(ctx context.Context, req string, next motore.Service[string, string]) (string, error) {
		fmt.Println("enter", name)
		defer fmt.Println("leave", name)
		return next.Call(ctx, req)
	})
}

func ExampleChain() {
	svc := motore.Chain(tag("first"), tag("second")).Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) {
		fmt.Println("handle", req)
		return req, nil
	}))
	_, _ = svc.Call(context.Background(), "req")
	// Output:
	// enter first
	// enter second
	// handle req
	// leave second
	// leave first
}

func ExampleNewBuilder() {
	svc, err := motore.NewBuilder[string, string]().
		Layer(motore.CatchPanic[string, string]()).
		Layer(motore.Timeout[string, string](time.Second)).
		Layer(tag("logging")).
		Build(motore.ServiceFn(upper))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(motore.Describe(svc))
	// Output: catch-panic -> timeout(1s) -> logging -> motore_test.upper
}

func ExampleBuilder_Optional() {
	var metrics motore.Middleware[string, string] // not configured
	b := motore.NewBuilder[string, string]().Optional(metrics).Layer(tag("logging"))
	fmt.Println(b.Len())
	// Output: 1
}

func ExampleBuild() {
	echo := motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil })
	_, err := motore.Build(echo, tag("logging"), nil)
	fmt.Println(err)
	fmt.Println(errors.Is(err, motore.ErrNilLayer))
	// Output:
	// motore: nil layer: layer 1
	// true
}

// A codec-like layer turns a Service[[]byte, []byte] into a
// Service[*Req, *Resp]: the typed side above, the byte side below.
func ExampleApply() {
	type Req struct{ Name string }
	type Resp struct{ Greeting string }

	codec := motore.LayerFn(func(next motore.Service[[]byte, []byte]) motore.Service[*Req, *Resp] {
		return motore.ServiceFn(func(ctx context.Context, req *Req) (*Resp, error) {
			out, err := next.Call(ctx, []byte(req.Name))
			if err != nil {
				return nil, err
			}
			return &Resp{Greeting: string(out)}, nil
		})
	})
	wire := motore.ServiceFn(func(_ context.Context, b []byte) ([]byte, error) {
		return append([]byte("hello, "), b...), nil
	})

	svc, err := motore.Apply(codec, wire)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp, err := svc.Call(context.Background(), &Req{Name: "volo"})
	fmt.Println(resp.Greeting, err)
	// Output: hello, volo <nil>
}

func ExampleStack() {
	// Parse strings into ints below, then log above: a type-changing stack.
	parse := motore.MapRequest[int](func(_ context.Context, s string) int { return len(s) })
	logging := motore.MiddlewareFn("logging", func(ctx context.Context, req string, next motore.Service[string, int]) (int, error) {
		fmt.Println("enter logging")
		defer fmt.Println("leave logging")
		return next.Call(ctx, req)
	})
	logged := motore.Stack(parse, logging)

	svc := logged.Layer(motore.ServiceFn(func(_ context.Context, n int) (int, error) { return n * 10, nil }))
	fmt.Println(svc.Call(context.Background(), "four"))
	// Output:
	// enter logging
	// leave logging
	// 40 <nil>
}

func ExampleIdentity() {
	echo := motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil })
	svc := motore.Identity[string, string]().Layer(echo)
	fmt.Println(svc.Call(context.Background(), "unchanged"))
	// Output: unchanged <nil>
}

func ExampleEither() {
	verbose := false
	mw := motore.Either(verbose, tag("verbose"), tag("quiet"))
	svc := mw.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil }))
	_, _ = svc.Call(context.Background(), "")
	// Output:
	// enter quiet
	// leave quiet
}

func ExampleOptional() {
	var tracing motore.Middleware[string, string] // nil: tracing is not configured
	svc := motore.Chain(motore.Optional(tracing), tag("logging")).
		Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil }))
	fmt.Println(len(motore.Layers(svc)))
	// Output: 2
}

func ExampleWhen() {
	debug := true
	svc := motore.Chain(motore.When(debug, tag("debug"))).
		Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil }))
	_, _ = svc.Call(context.Background(), "")
	// Output:
	// enter debug
	// leave debug
}

func ExampleMapRequest() {
	trim := motore.MapRequest[string](func(_ context.Context, req string) string { return strings.TrimSpace(req) })
	svc := trim.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return "[" + req + "]", nil }))
	fmt.Println(svc.Call(context.Background(), "  padded  "))
	// Output: [padded] <nil>
}

func ExampleMapResponse() {
	length := motore.MapResponse[string](func(_ context.Context, resp string) int { return len(resp) })
	svc := length.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req + req, nil }))
	fmt.Println(svc.Call(context.Background(), "abc"))
	// Output: 6 <nil>
}

func ExampleMapErr() {
	errNotFound := errors.New("not found")
	annotate := motore.MapErr[string, string](func(_ context.Context, err error) error {
		return fmt.Errorf("user service: %w", err)
	})
	svc := annotate.Layer(motore.ServiceFn(func(context.Context, string) (string, error) { return "", errNotFound }))
	_, err := svc.Call(context.Background(), "id-1")
	fmt.Println(err, errors.Is(err, errNotFound))
	// Output: user service: not found true
}

func ExampleAndThen() {
	validate := motore.AndThen[string](func(_ context.Context, resp string) (string, error) {
		if resp == "" {
			return "", errors.New("empty response")
		}
		return resp, nil
	})
	svc := validate.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil }))
	fmt.Println(svc.Call(context.Background(), ""))
	fmt.Println(svc.Call(context.Background(), "ok"))
	// Output:
	//  empty response
	// ok <nil>
}

func ExampleFilter() {
	nonEmpty := motore.Filter[string](func(_ context.Context, req string) error {
		if req == "" {
			return errors.New("empty request")
		}
		return nil
	})
	svc := nonEmpty.Layer(motore.ServiceFn(func(_ context.Context, req string) (string, error) { return req, nil }))
	fmt.Println(svc.Call(context.Background(), ""))
	fmt.Println(svc.Call(context.Background(), "x"))
	// Output:
	//  empty request
	// x <nil>
}

func ExampleTimeout() {
	slow := motore.ServiceFn(func(ctx context.Context, _ string) (string, error) {
		select {
		case <-time.After(time.Minute):
			return "done", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	})
	svc := motore.Timeout[string, string](10 * time.Millisecond).Layer(slow)
	_, err := svc.Call(context.Background(), "")
	fmt.Println(errors.Is(err, motore.ErrTimeout), errors.Is(err, context.DeadlineExceeded))
	// Output: true true
}

func ExampleCatchPanic() {
	buggy := motore.ServiceFn(func(context.Context, string) (string, error) {
		panic("unreachable state")
	})
	svc := motore.CatchPanic[string, string]().Layer(buggy)
	_, err := svc.Call(context.Background(), "")
	var pe *motore.PanicError
	fmt.Println(errors.As(err, &pe), errors.Is(err, motore.ErrPanic))
	fmt.Println(pe.Value)
	// Output:
	// true true
	// unreachable state
}

func ExampleDescribe() {
	svc := motore.Chain(
		motore.CatchPanic[string, string](),
		motore.Timeout[string, string](250*time.Millisecond),
		motore.Filter[string](func(context.Context, string) error { return nil }),
	).Layer(motore.ServiceFn(upper))
	fmt.Println(motore.Describe(svc))
	// Output: catch-panic -> timeout(250ms) -> filter -> motore_test.upper
}

func ExampleLayers() {
	svc := motore.Chain(tag("a"), tag("b")).Layer(greeter{})
	for i, name := range motore.Layers(svc) {
		fmt.Println(i, name)
	}
	// Output:
	// 0 a
	// 1 b
	// 2 greeter(v2)
}
