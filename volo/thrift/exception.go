package thrift

import (
	"errors"
	"strconv"

	"github.com/govolo/volo/volo"
)

// ExceptionType is the type code of an [ApplicationException].
type ExceptionType int32

// The type codes every Thrift implementation shares.
const (
	ExceptionUnknown               ExceptionType = 0
	ExceptionUnknownMethod         ExceptionType = 1
	ExceptionInvalidMessageType    ExceptionType = 2
	ExceptionWrongMethodName       ExceptionType = 3
	ExceptionBadSequenceID         ExceptionType = 4
	ExceptionMissingResult         ExceptionType = 5
	ExceptionInternalError         ExceptionType = 6
	ExceptionProtocolError         ExceptionType = 7
	ExceptionInvalidTransform      ExceptionType = 8
	ExceptionInvalidProtocol       ExceptionType = 9
	ExceptionUnsupportedClientType ExceptionType = 10
)

var exceptionNames = [...]string{
	ExceptionUnknown:               "unknown",
	ExceptionUnknownMethod:         "unknown method",
	ExceptionInvalidMessageType:    "invalid message type",
	ExceptionWrongMethodName:       "wrong method name",
	ExceptionBadSequenceID:         "bad sequence id",
	ExceptionMissingResult:         "missing result",
	ExceptionInternalError:         "internal error",
	ExceptionProtocolError:         "protocol error",
	ExceptionInvalidTransform:      "invalid transform",
	ExceptionInvalidProtocol:       "invalid protocol",
	ExceptionUnsupportedClientType: "unsupported client type",
}

// String returns a lower-case name for the type code.
func (t ExceptionType) String() string {
	if t >= 0 && int(t) < len(exceptionNames) {
		return exceptionNames[t]
	}
	return "exception_type(" + strconv.Itoa(int(t)) + ")"
}

// Code returns the volo code an exception of type t means, for an
// exception that carries no code of its own.
func (t ExceptionType) Code() volo.Code {
	switch t {
	case ExceptionUnknownMethod, ExceptionInvalidTransform, ExceptionInvalidProtocol, ExceptionUnsupportedClientType:
		return volo.CodeUnimplemented
	case ExceptionProtocolError:
		return volo.CodeInvalidArgument
	case ExceptionInvalidMessageType, ExceptionWrongMethodName, ExceptionBadSequenceID, ExceptionMissingResult, ExceptionInternalError:
		return volo.CodeInternal
	}
	return volo.CodeUnknown
}

// ExceptionTypeOf returns the exception type that carries code c to a
// Thrift peer: UNKNOWN_METHOD for unimplemented, PROTOCOL_ERROR for an
// invalid argument, and INTERNAL_ERROR, what Apache Thrift's servers send
// for a handler's error, for every other failure (the exception's code
// field says which).
func ExceptionTypeOf(c volo.Code) ExceptionType {
	switch c {
	case volo.CodeUnimplemented:
		return ExceptionUnknownMethod
	case volo.CodeInvalidArgument:
		return ExceptionProtocolError
	}
	return ExceptionInternalError
}

// ApplicationException is the body of an Exception message: the error a
// server sends when it cannot produce a result (unknown method, bad input,
// a limiter's refusal, a handler that panicked). It is
// `struct TApplicationException { 1: string message, 2: i32 type }`, and
// volo adds `3: i32 code` when the failure's [volo.Code] says more than
// the type can: other peers skip the field, as Thrift skips every field it
// does not know. volo also adds `4: bool not_run` to the refusals of a
// server that did not start the call (it was shutting down), so that a
// caller may send the call again elsewhere.
type ApplicationException struct {
	Message string
	Type    ExceptionType
	// Code is the failure's volo.Code, sent as field 3 when not zero; an
	// exception from a peer that sent none has zero here, and
	// [ApplicationException.RPCCode] falls back to the type's code.
	Code volo.Code
	// NotRun says the server did not run the call: it refused the request
	// before any handler saw it. Sent as field 4 when true, and only by
	// the server that refused: [ExceptionFor] drops it, since a handler
	// that passes on a downstream peer's refusal did run.
	NotRun bool
}

// NewApplicationException returns an exception of type t with message msg.
func NewApplicationException(t ExceptionType, msg string) *ApplicationException {
	return &ApplicationException{Message: msg, Type: t}
}

// ExceptionFor returns the exception a server sends for err: the
// *ApplicationException err is or wraps, when it is the first error in
// err's chain that has a code (so that a handler passes on what a
// downstream peer said); else one whose code is volo.CodeOf(err), whose
// type carries that code ([ExceptionTypeOf]), and whose message is err's
// (a *volo.Error's own message, without the code). The exception returned
// never says NotRun: the handler whose error it is did run.
func ExceptionFor(err error) *ApplicationException {
	// An *ApplicationException has a code too, so it is found here when
	// nothing before it in the chain has one.
	var c interface{ RPCCode() string }
	if errors.As(err, &c) {
		if ae, ok := c.(*ApplicationException); ok {
			if ae.NotRun {
				cp := *ae
				cp.NotRun = false
				return &cp
			}
			return ae
		}
	}
	code := volo.CodeOf(err)
	msg := err.Error()
	var ve *volo.Error
	if errors.As(err, &ve) && ve.Code() == code {
		msg = ve.Message()
	}
	e := &ApplicationException{Message: msg, Type: ExceptionTypeOf(code)}
	if code != e.Type.Code() {
		e.Code = code
	}
	return e
}

// Error returns "thrift: application exception (<type>): <message>".
func (e *ApplicationException) Error() string {
	s := "thrift: application exception (" + e.Type.String() + ")"
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// RPCCode returns the name of the exception's code, for volo.CodeOf: its
// own Code when it has one, else the code its type means.
func (e *ApplicationException) RPCCode() string {
	if e.Code != volo.CodeOK {
		return e.Code.String()
	}
	return e.Type.Code().String()
}

// ThriftSize returns the encoded size.
func (e *ApplicationException) ThriftSize() int {
	n := FieldBeginSize + StringSize(e.Message) + FieldBeginSize + I32Size + FieldStopSize
	if e.Code != volo.CodeOK {
		n += FieldBeginSize + I32Size
	}
	if e.NotRun {
		n += FieldBeginSize + BoolSize
	}
	return n
}

// AppendThrift appends message and type, as every peer writes them, the
// code when there is one, and not_run when it is true. Both are fixed-size
// fields: gopkg v0.1.4 skips unknown fields of an exception from the wrong
// offset, which only the size of a fixed-size type survives.
func (e *ApplicationException) AppendThrift(b []byte) []byte {
	b = AppendFieldBegin(b, TypeString, 1)
	b = AppendString(b, e.Message)
	b = AppendFieldBegin(b, TypeI32, 2)
	b = AppendI32(b, int32(e.Type))
	if e.Code != volo.CodeOK {
		b = AppendFieldBegin(b, TypeI32, 3)
		b = AppendI32(b, int32(e.Code))
	}
	if e.NotRun {
		b = AppendFieldBegin(b, TypeBool, 4)
		b = AppendBool(b, true)
	}
	return AppendFieldStop(b)
}

// DecodeThrift reads the exception, skipping fields it does not know.
func (e *ApplicationException) DecodeThrift(d *Decoder) error {
	if err := d.ReadStructBegin(); err != nil {
		return err
	}
	for {
		t, id, err := d.ReadFieldBegin()
		if err != nil {
			return err
		}
		switch {
		case t == TypeStop:
			d.ReadStructEnd()
			return nil
		case id == 1 && t == TypeString:
			if e.Message, err = d.ReadString(); err != nil {
				return err
			}
		case id == 2 && t == TypeI32:
			v, err := d.ReadI32()
			if err != nil {
				return err
			}
			e.Type = ExceptionType(v)
		case id == 3 && t == TypeI32:
			v, err := d.ReadI32()
			if err != nil {
				return err
			}
			e.Code = volo.Code(uint32(v))
		case id == 4 && t == TypeBool:
			if e.NotRun, err = d.ReadBool(); err != nil {
				return err
			}
		default:
			if err := d.Skip(t); err != nil {
				return err
			}
		}
	}
}
