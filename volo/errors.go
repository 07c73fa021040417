package volo

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
)

// Sentinels for errors.Is. Clients and servers of every protocol wrap them
// with the detail; each has a [Code], which [CodeOf] reports for the
// errors that wrap it. A business error is a *BizError.
var (
	// ErrTimeout means a call ran out of time: its context's deadline, the
	// client's RPC timeout, or a connect or read-write timeout.
	// errors.Is(err, context.DeadlineExceeded) holds for it too, as for
	// motore.ErrTimeout, so layers that treat an expired deadline apart (a
	// circuit breaker, an adaptive limiter) see every timeout alike.
	ErrTimeout error = timeoutError{}
	// ErrConnection means no connection could be made to the peer, or the
	// connection failed or was closed before the reply arrived.
	ErrConnection error = &sentinel{"volo: connection failed", CodeUnavailable}
	// ErrProtocol means the peer sent bytes that are not a valid reply: a
	// bad frame, a wrong sequence id, an undecodable message.
	ErrProtocol error = &sentinel{"volo: protocol error", CodeInternal}
	// ErrNoAddress means a client call had no address: neither the
	// client's default nor one set on the call.
	ErrNoAddress error = &sentinel{"volo: no address", CodeUnavailable}
	// ErrClosed means the client or server is closed.
	ErrClosed error = &sentinel{"volo: closed", CodeCanceled}
	// ErrServerClosed is returned by a server's Serve after Shutdown or
	// Close, like http.ErrServerClosed.
	ErrServerClosed error = &sentinel{"volo: server closed", CodeUnavailable}
	// ErrBiz matches every *BizError.
	ErrBiz = errors.New("volo: business error")
)

// BizError is a business error: a handler's answer that is neither a result
// nor a failure of the framework, carried in TTHeader's "biz-status",
// "biz-message" and "biz-extra" keys as Kitex and Volo do. A handler returns
// one; the client's call returns it, matched by errors.Is(err, ErrBiz) and
// errors.As.
type BizError struct {
	// Status is the business status code; a server sends 0 as is.
	Status int32
	// Message says what went wrong.
	Message string
	// Extra holds details; it travels as a JSON object of strings.
	Extra map[string]string
}

// NewBizError returns a business error with status and message.
func NewBizError(status int32, message string) *BizError {
	return &BizError{Status: status, Message: message}
}

// Error returns "volo: business error <status>: <message>".
func (e *BizError) Error() string {
	var b strings.Builder
	b.WriteString("volo: business error ")
	b.WriteString(strconv.Itoa(int(e.Status)))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Extra) > 0 {
		keys := make([]string, 0, len(e.Extra))
		for k := range e.Extra {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteString(" (")
		for i, k := range keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k + "=" + e.Extra[k])
		}
		b.WriteString(")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrBiz) match.
func (e *BizError) Is(target error) bool { return target == ErrBiz }

// BusinessError reports true: a business error is an answer of the
// handler, not a sign of a sick service. Layers that look for this method,
// such as ext/circuitbreaker's default classifier, do not count it as a
// failure.
func (e *BizError) BusinessError() bool { return true }

type timeoutError struct{}

func (timeoutError) Error() string { return "volo: timeout" }

func (timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

func (timeoutError) RPCCode() string { return CodeDeadlineExceeded.String() }

// sentinel is an error with a code, compared by identity.
type sentinel struct {
	msg  string
	code Code
}

func (s *sentinel) Error() string { return s.msg }

func (s *sentinel) RPCCode() string { return s.code.String() }
