package motore

import (
	"fmt"
	"strings"
)

// Describer is implemented by services (and layers) that have a short
// human-readable name for stack descriptions, such as "timeout(1s)".
// Services from other modules take part in [Describe] by implementing it.
type Describer interface {
	Describe() string
}

// Unwrapper is implemented by a service that wraps another: Unwrap returns
// the next service it calls, of whatever type. [Describe] follows it to walk
// a stack from the outermost service to the innermost.
type Unwrapper interface {
	Unwrap() any
}

// maxDepth bounds a walk through a stack, in case a service unwraps to
// itself.
const maxDepth = 1024

// Layers lists the services of a built stack in call order: the outermost
// first, the innermost (usually the handler or transport) last. A service
// that implements [Describer] is listed by its description, any other by its
// type; the walk stops at a service that does not implement [Unwrapper].
func Layers(svc any) []string {
	var names []string
	for range maxDepth {
		if svc == nil {
			break
		}
		names = append(names, describeService(svc))
		u, ok := svc.(Unwrapper)
		if !ok {
			break
		}
		svc = u.Unwrap()
	}
	return names
}

// Describe returns [Layers] joined by " -> ", for printing what is inside a
// client or server.
func Describe(svc any) string {
	return strings.Join(Layers(svc), " -> ")
}

func describeService(svc any) string {
	if d, ok := svc.(Describer); ok {
		if s := d.Describe(); s != "" {
			return s
		}
	}
	return fmt.Sprintf("%T", svc)
}

func describeLayer(l any) string {
	if l == nil {
		return "<nil>"
	}
	return describeService(l)
}
