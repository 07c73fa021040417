package http

import (
	"context"
	"errors"
	"net/http"
	"strconv"
)

// StatusError is a response whose status says the call failed (429 or a
// 5xx by default; see [WithFailureStatus]), as the layers of a stack see
// it. On a client it carries the response, which the caller still gets;
// on a server the handler has already written it. Its RPCCode lets
// volo's CodeOf and ext classifiers read the status as an RPC code.
type StatusError struct {
	// Code is the HTTP status.
	Code int
	// Response is the response, on a client; nil on a server.
	Response *http.Response
}

// Error names the status.
func (e *StatusError) Error() string {
	return "http: status " + strconv.Itoa(e.Code) + " " + http.StatusText(e.Code)
}

// StatusCode returns the HTTP status, as go-kit's StatusCoder does.
func (e *StatusError) StatusCode() int { return e.Code }

// RPCCode names the RPC code of the status ("unavailable" for 503), after
// the mapping of the connect protocol, read backwards.
func (e *StatusError) RPCCode() string { return codeOfStatus(e.Code) }

// coder is implemented by errors that name their RPC code: those of the
// ext modules, motore's timeout, volo's errors.
type coder interface{ RPCCode() string }

// statusCoder is implemented by errors that name their HTTP status, as
// go-kit's transport reads them.
type statusCoder interface{ StatusCode() int }

// codeOf returns the RPC code name of err: from an RPCCode method in its
// chain, else from the context errors, else "unknown".
func codeOf(err error) string {
	var c coder
	if errors.As(err, &c) {
		if code := c.RPCCode(); statusOfCode(code) != 0 {
			return code
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "deadline_exceeded"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	return "unknown"
}

// statusOf returns the HTTP status for a failed call: the error's own
// StatusCode when it has one, else the status of its RPC code.
func statusOf(err error) int {
	var sc statusCoder
	if errors.As(err, &sc) {
		if s := sc.StatusCode(); s >= 400 && s <= 599 {
			return s
		}
	}
	return statusOfCode(codeOf(err))
}

// statusOfCode maps RPC code names to HTTP statuses as the connect
// protocol does; 0 for a name that is no code.
func statusOfCode(code string) int {
	switch code {
	case "canceled":
		return 499
	case "unknown", "internal", "data_loss":
		return http.StatusInternalServerError
	case "invalid_argument", "failed_precondition", "out_of_range":
		return http.StatusBadRequest
	case "deadline_exceeded":
		return http.StatusGatewayTimeout
	case "not_found":
		return http.StatusNotFound
	case "already_exists", "aborted":
		return http.StatusConflict
	case "permission_denied":
		return http.StatusForbidden
	case "resource_exhausted":
		return http.StatusTooManyRequests
	case "unimplemented":
		return http.StatusNotImplemented
	case "unavailable":
		return http.StatusServiceUnavailable
	case "unauthenticated":
		return http.StatusUnauthorized
	}
	return 0
}

// codeOfStatus maps an HTTP status to the RPC code a caller reads from it.
func codeOfStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "invalid_argument"
	case http.StatusUnauthorized:
		return "unauthenticated"
	case http.StatusForbidden:
		return "permission_denied"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusConflict:
		return "aborted"
	case http.StatusTooManyRequests:
		return "resource_exhausted"
	case 499:
		return "canceled"
	case http.StatusInternalServerError:
		return "internal"
	case http.StatusNotImplemented:
		return "unimplemented"
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		return "unavailable"
	case http.StatusGatewayTimeout:
		return "deadline_exceeded"
	}
	return "unknown"
}
