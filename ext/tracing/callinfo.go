package tracing

import (
	"errors"

	"go.opentelemetry.io/otel/attribute"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"

	"github.com/govolo/volo/motore"
)

// CallInfo describes one call in the terms of the OpenTelemetry RPC
// semantic conventions. The layers get it from a function the framework or
// the user passes in, so this package knows no framework. Empty fields are
// left out of spans and metrics.
type CallInfo struct {
	// System is the RPC system, recorded as rpc.system.name: "grpc",
	// "dubbo", "connectrpc", "jsonrpc", or the framework's own name
	// ("thrift", "volo").
	System string
	// Service is the fully-qualified service name ("echo.EchoService").
	Service string
	// Method is the method name within the service ("Echo"). The span is
	// named, and rpc.method set, "Service/Method" (just Method when Service
	// is empty). Frameworks should pass "_OTHER" for methods they do not
	// know, so that a caller cannot mint unbounded metric series.
	Method string
	// ServerAddress and ServerPort name the server: on a client, the
	// logical target (a host name, or an IP address when there is none); on
	// a server, its own listening address. Recorded as server.address and
	// server.port, on metrics too; a zero port is left out.
	ServerAddress string
	ServerPort    int
	// PeerAddress and PeerPort are the other end of the connection, when
	// known: recorded on spans only, as network.peer.address and
	// network.peer.port, because they are high-cardinality.
	PeerAddress string
	PeerPort    int
	// PeerService is the logical name of the service at the other end (the
	// callee on a client, the caller on a server, when it says), recorded as
	// service.peer.name on spans, and on metrics with
	// [WithPeerServiceMetrics], for service topology graphs.
	PeerService string
}

// FullMethod returns "Service/Method", or Method when Service is empty.
func (i CallInfo) FullMethod() string {
	if i.Service == "" {
		return i.Method
	}
	return i.Service + "/" + i.Method
}

// spanAttrs appends the attributes known when a span starts.
func (i *CallInfo) spanAttrs(dst []attribute.KeyValue, method string) []attribute.KeyValue {
	dst = i.metricAttrs(dst, method, false)
	if i.PeerAddress != "" {
		dst = append(dst, semconv.NetworkPeerAddress(i.PeerAddress))
	}
	if i.PeerPort > 0 {
		dst = append(dst, semconv.NetworkPeerPort(i.PeerPort))
	}
	if i.PeerService != "" {
		dst = append(dst, semconv.ServicePeerName(i.PeerService))
	}
	return dst
}

// metricAttrs appends the low-cardinality attributes of a call, and the
// peer service when peer is set.
func (i *CallInfo) metricAttrs(dst []attribute.KeyValue, method string, peer bool) []attribute.KeyValue {
	if i.System != "" {
		dst = append(dst, semconv.RPCSystemNameKey.String(i.System))
	}
	if method != "" {
		dst = append(dst, semconv.RPCMethod(method))
	}
	if i.ServerAddress != "" {
		dst = append(dst, semconv.ServerAddress(i.ServerAddress))
	}
	if i.ServerPort > 0 {
		dst = append(dst, semconv.ServerPort(i.ServerPort))
	}
	if peer && i.PeerService != "" {
		dst = append(dst, semconv.ServicePeerName(i.PeerService))
	}
	return dst
}

// outcome is what the end of a call adds to its span and measurement.
type outcome struct {
	status    string // rpc.response.status_code, or empty
	errorType string // error.type, or empty on success
}

func (c *config) outcome(err error) outcome {
	var o outcome
	if c.statusCode != nil {
		o.status = c.statusCode(err)
	}
	if err == nil {
		return o
	}
	switch {
	case o.status != "":
		o.errorType = o.status
	case errors.Is(err, motore.ErrPanic):
		o.errorType = "panic"
	case err == errGoexit:
		o.errorType = "goexit"
	default:
		o.errorType = semconv.ErrorType(err).Value.AsString()
	}
	return o
}

func (o outcome) appendTo(dst []attribute.KeyValue) []attribute.KeyValue {
	if o.status != "" {
		dst = append(dst, semconv.RPCResponseStatusCode(o.status))
	}
	if o.errorType != "" {
		dst = append(dst, semconv.ErrorTypeKey.String(o.errorType))
	}
	return dst
}
