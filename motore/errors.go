package motore

import (
	"errors"
	"fmt"
)

// Errors reported when a stack is built from nil parts. They are wrapped in a
// *BuildError that says where the nil part was.
var (
	// ErrNilService means a nil service was given, or a layer returned one.
	ErrNilService = errors.New("motore: nil service")
	// ErrNilLayer means a nil layer or middleware was given.
	ErrNilLayer = errors.New("motore: nil layer")
	// ErrNilFunc means a combinator was given a nil function.
	ErrNilFunc = errors.New("motore: nil function")
)

// BuildError reports a stack that cannot be built. [Build], [Apply] and
// [Builder.Build] return it; applying a motore layer directly to a nil part
// panics with it at build time, so the mistake never waits for the first call.
// Layers from other modules report their own build-time mistakes the same
// way: panic with a *BuildError from Layer, and Build returns it.
type BuildError struct {
	// Layer names the layer at fault, or is empty for the inner service.
	Layer string
	// Index is the layer's position, outermost first, or -1 when unknown.
	Index int
	// Err says what is wrong: ErrNilService, ErrNilLayer or ErrNilFunc for
	// nil parts, or an error of the layer's own module for another
	// build-time mistake.
	Err error
}

// Error describes where the stack is broken.
func (e *BuildError) Error() string {
	switch {
	case e.Index >= 0 && e.Layer != "":
		return fmt.Sprintf("%v: layer %d (%s)", e.Err, e.Index, e.Layer)
	case e.Index >= 0:
		return fmt.Sprintf("%v: layer %d", e.Err, e.Index)
	case e.Layer != "":
		return fmt.Sprintf("%v: layer %s", e.Err, e.Layer)
	default:
		return e.Err.Error()
	}
}

// Unwrap returns the sentinel, so errors.Is(err, ErrNilLayer) works.
func (e *BuildError) Unwrap() error { return e.Err }

// buildPanic stops a build with a *BuildError.
func buildPanic(layer string, err error) {
	panic(&BuildError{Layer: layer, Index: -1, Err: err})
}

// catchBuild turns a *BuildError panic raised while building into an error;
// any other panic goes on.
func catchBuild(err *error) {
	r := recover()
	if r == nil {
		return
	}
	if be, ok := r.(*BuildError); ok {
		*err = be
		return
	}
	panic(r)
}

// isNil reports whether v is a nil interface value or a nil [ServiceFunc],
// which would fail on its first call; values of other types are never nil
// here.
func isNil[T any](v T) bool {
	if f, ok := any(v).(nilFunc); ok {
		return f.isNilFunc()
	}
	return any(v) == nil
}

// nilFunc is implemented by the function types of this package that can be
// used as a service.
type nilFunc interface {
	isNilFunc() bool
}

// CheckBuild is the build-time check every layer outside motore makes when
// it is applied: it panics with a *BuildError naming layer when next is nil
// (a nil interface or a nil [ServiceFunc], which would fail on its first
// call) or when err, the layer's own build-time mistake such as a nil
// function or dependency, is not nil. [Build], [Apply] and [Builder.Build]
// turn the panic into their returned error, so the mistake is reported when
// the stack is built and never waits for a call.
//
// A nil inner service is checked first: err says what is wrong with the
// layer itself and only matters once there is something to wrap.
func CheckBuild[Req, Resp any](layer string, next Service[Req, Resp], err error) {
	if isNil(next) {
		buildPanic(layer, ErrNilService)
	}
	if err != nil {
		buildPanic(layer, err)
	}
}
