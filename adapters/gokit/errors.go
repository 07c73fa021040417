package gokit

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"
)

// Error is a failed call with an RPC code, as an endpoint wrapped by
// [Middleware] returns it: go-kit's DefaultErrorEncoder reads StatusCode
// and Headers, so the response is 429 with Retry-After for a limiter's
// rejection, 503 for an open breaker, 504 for a deadline; errors.Is finds
// the error it came from (Unwrap); volo's CodeOf and the ext classifiers
// read RPCCode. [ErrorFromResponse] makes one from such a response.
type Error struct {
	err    error
	code   string
	header http.Header
}

// Error returns the text of the error it came from.
func (e *Error) Error() string { return e.err.Error() }

// Unwrap returns the error it came from.
func (e *Error) Unwrap() error { return e.err }

// RPCCode names the code ("resource_exhausted"), as volo's Code does.
func (e *Error) RPCCode() string { return e.code }

// StatusCode returns the HTTP status of the code, as the connect
// protocol maps it; go-kit's StatusCoder.
func (e *Error) StatusCode() int { return statusOfCode(e.code) }

// Headers returns the headers to send with the error: Retry-After and
// the backward metainfo; go-kit's Headerer.
func (e *Error) Headers() http.Header { return e.header }

// Is makes deadline_exceeded and canceled match the context's errors.
func (e *Error) Is(target error) bool {
	switch e.code {
	case "deadline_exceeded":
		return target == context.DeadlineExceeded
	case "canceled":
		return target == context.Canceled
	}
	return false
}

// ErrorFromResponse returns, for a response with a status of 400 or
// more, an *[Error] with the status's code (404 is "not_found", 429
// "resource_exhausted", 503 "unavailable") and the response's Retry-After
// header; nil for other statuses. Call it in a go-kit client's
// DecodeResponseFunc, so that the client's layers (a breaker) and its
// caller see the server's failure; a breaker counts every error, so
// return only the ones that should count (429 and 5xx) where 4xx
// answers are expected.
func ErrorFromResponse(resp *http.Response) error {
	if resp.StatusCode < 400 {
		return nil
	}
	e := &Error{err: &statusError{code: resp.StatusCode}, code: codeOfStatus(resp.StatusCode)}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		e.header = http.Header{"Retry-After": {ra}}
	}
	return e
}

// RetryAfter reads the Retry-After hint of an *[Error] in err's chain, as
// [ErrorFromResponse] keeps it: a number of seconds.
func RetryAfter(err error) (time.Duration, bool) {
	var e *Error
	if !errors.As(err, &e) || e.header == nil {
		return 0, false
	}
	s, perr := strconv.Atoi(e.header.Get("Retry-After"))
	if perr != nil || s < 0 {
		return 0, false
	}
	return time.Duration(s) * time.Second, true
}

// statusError is the cause of an [ErrorFromResponse] error.
type statusError struct{ code int }

func (e *statusError) Error() string {
	return "gokit: status " + strconv.Itoa(e.code) + " " + http.StatusText(e.code)
}

// coder is implemented by errors that name their RPC code: those of the
// ext modules, motore's timeout, volo's errors.
type coder interface{ RPCCode() string }

// codeOf returns the RPC code name of err, or "" when it has none.
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
	return ""
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

// codeOfStatus maps an HTTP status to the RPC code a caller reads from
// it: the connect protocol's mapping, read backwards.
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

// retryAfterSeconds writes d in whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	s := (d + time.Second - 1) / time.Second
	return strconv.FormatInt(int64(max(s, 1)), 10)
}

// Errors of [FromMiddleware]: the go-kit middleware handed on a request,
// or returned a response, of another type than the stack's.
var (
	ErrRequestType  = errors.New("gokit: go-kit middleware passed on a request of another type")
	ErrResponseType = errors.New("gokit: go-kit middleware returned a response of another type")
)
